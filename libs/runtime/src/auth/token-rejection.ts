import { UnauthenticatedError, UnavailableError } from "@mcp/errors";
import { errors } from "jose";

/** What the verifier expected, for messages that say what was wrong and what would be right. */
export interface TokenExpectations {
  readonly issuer: string;
  readonly audiences: readonly string[];
}

/**
 * Turns a `jose` verification failure into UNAUTHENTICATED with a reason a client can act on
 * (`TOKEN_EXPIRED`: sign in again or refresh; the others: a token not meant for this platform). A
 * provider that cannot be reached for its keys is UNAVAILABLE: the caller did nothing wrong.
 */
export function tokenRejection(err: unknown, expected: TokenExpectations): Error {
  const reject = (message: string, reason: string) =>
    new UnauthenticatedError(`the sign-in token is not accepted: ${message}`, reason);
  if (err instanceof errors.JWTExpired) {
    const exp = typeof err.payload.exp === "number" ? new Date(err.payload.exp * 1000).toISOString() : "?";
    return reject(`it expired at ${exp}; sign in again`, "TOKEN_EXPIRED");
  }
  if (err instanceof errors.JWTClaimValidationFailed) {
    const { claim, payload } = err;
    if (claim === "iss")
      return reject(
        `it was issued by ${JSON.stringify(payload.iss)}, not by ${JSON.stringify(expected.issuer)}`,
        "TOKEN_ISSUER_MISMATCH",
      );
    if (claim === "aud")
      return reject(
        `its audience ${JSON.stringify(payload.aud)} is not ${expected.audiences.map((a) => JSON.stringify(a)).join(" or ")}`,
        "TOKEN_AUDIENCE_MISMATCH",
      );
    if (claim === "nbf") return reject("it is not valid yet (nbf is in the future)", "TOKEN_NOT_YET_VALID");
    return reject(
      `its "${claim}" claim ${err.reason === "missing" ? "is missing" : "is invalid"}`,
      "TOKEN_CLAIM_INVALID",
    );
  }
  if (err instanceof errors.JOSEAlgNotAllowed)
    return reject(
      "its signing algorithm is not allowed (only asymmetric signatures are)",
      "TOKEN_ALGORITHM_NOT_ALLOWED",
    );
  if (err instanceof errors.JWSSignatureVerificationFailed)
    return reject("its signature does not verify with the issuer's key", "TOKEN_SIGNATURE_INVALID");
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys)
    return reject("it is signed with a key the issuer does not publish", "TOKEN_KEY_UNKNOWN");
  if (
    err instanceof errors.JWSInvalid ||
    err instanceof errors.JWTInvalid ||
    err instanceof errors.JOSENotSupported
  )
    return reject(`it is malformed (${(err as Error).message})`, "TOKEN_MALFORMED");
  if (err instanceof UnauthenticatedError || err instanceof UnavailableError) return err;
  return new UnavailableError(
    "the OpenID provider",
    `its signing keys could not be fetched (${err instanceof Error ? err.message : String(err)})`,
    { cause: err },
  );
}
