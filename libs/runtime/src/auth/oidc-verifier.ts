import { UnavailableError } from "@mcp/errors";
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from "jose";
import type { OidcConfig } from "../config.js";
import { tokenRejection } from "./token-rejection.js";

/**
 * Signature algorithms accepted: asymmetric ones only. `none` and the HMAC family (`HS*`, which would
 * let anyone holding a shared secret, or a confused verifier using the public key as one, mint
 * tokens) are refused whatever the token's header says.
 */
const ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"];

/** Three base64url parts (the last one empty for an unsigned `alg: none` token, which is refused). */
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** True when `token` is shaped like a JWT (API keys never are: `mcp_<id>_<secret>` has no dots). */
export function looksLikeJwt(token: string): boolean {
  return JWT_SHAPE.test(token);
}

/** Who a verified token says its bearer is. */
export interface VerifiedToken {
  readonly issuer: string;
  readonly subject: string;
  /** The `email` claim, only when the provider says it is verified (`email_verified: true`). */
  readonly email: string | null;
  /** The `name` claim, else `preferred_username`, when present. */
  readonly name: string | null;
}

/** The part of the verifier's options that tests and special set-ups may change. */
export type OidcVerifierOptions = Pick<
  OidcConfig,
  "issuerUrl" | "audiences" | "clockSkewSeconds" | "jwksCooldownMs"
>;

/**
 * Verifies OpenID Connect JWTs with `jose`: signature against the issuer's JWKS (found through its
 * discovery document, fetched on first use; cached, and fetched again when a token names a key id
 * it does not hold — at most once per `jwksCooldownMs` — so the provider's key rotation needs no
 * restart), allowed algorithm, `iss`, `aud`, `exp`/`nbf` with `clockSkewSeconds` of tolerance, and a
 * `sub`.
 */
export class OidcVerifier {
  private jwks: Promise<ReturnType<typeof createRemoteJWKSet>> | undefined;

  constructor(private readonly options: OidcVerifierOptions) {}

  /** The token's user; UnauthenticatedError (with a TOKEN_* reason) when it is not acceptable. */
  async verify(token: string): Promise<VerifiedToken> {
    const expected = { issuer: this.options.issuerUrl, audiences: this.options.audiences };
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, await this.keys(), {
        issuer: this.options.issuerUrl,
        audience: [...this.options.audiences],
        algorithms: ALGORITHMS,
        clockTolerance: this.options.clockSkewSeconds,
        requiredClaims: ["sub", "exp"],
      }));
    } catch (err) {
      throw tokenRejection(err, expected);
    }
    const text = (v: unknown) => (typeof v === "string" && v.trim() !== "" ? v : null);
    return {
      issuer: this.options.issuerUrl,
      subject: payload.sub as string,
      email: payload["email_verified"] === true ? text(payload["email"]) : null,
      name: text(payload["name"]) ?? text(payload["preferred_username"]),
    };
  }

  /** The issuer's key set, from the `jwks_uri` of its discovery document (retried after a failure). */
  private keys(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    this.jwks ??= this.discover().catch((err: unknown) => {
      this.jwks = undefined;
      throw err;
    });
    return this.jwks;
  }

  private async discover(): Promise<ReturnType<typeof createRemoteJWKSet>> {
    const issuer = this.options.issuerUrl;
    const where = `${issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    let doc: { issuer?: unknown; jwks_uri?: unknown };
    try {
      const res = await fetch(where, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) throw new Error(`HTTP ${res.status}`);
      doc = (await res.json()) as typeof doc;
    } catch (err) {
      throw new UnavailableError(
        "the OpenID provider",
        `its discovery document ${where} could not be read (${err instanceof Error ? err.message : String(err)})`,
        { cause: err },
      );
    }
    if (doc.issuer !== issuer || typeof doc.jwks_uri !== "string")
      throw new UnavailableError(
        "the OpenID provider",
        `${where} names issuer ${JSON.stringify(doc.issuer)} (OIDC_ISSUER_URL is ${JSON.stringify(issuer)}) ` +
          `and jwks_uri ${JSON.stringify(doc.jwks_uri)}: fix OIDC_ISSUER_URL`,
      );
    return createRemoteJWKSet(new URL(doc.jwks_uri), {
      cooldownDuration: this.options.jwksCooldownMs,
      timeoutDuration: 5_000,
    });
  }
}
