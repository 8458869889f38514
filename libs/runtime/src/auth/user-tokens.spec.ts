import { UnauthenticatedError } from "@mcp/errors";
import type { OidcVerifier, VerifiedToken } from "./oidc-verifier.js";
import { UserSightings } from "./user-sightings.js";
import { SignedInUsers } from "./user-tokens.js";

const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln";
const user: VerifiedToken = { issuer: "https://id", subject: "ada", email: "ada@example.com", name: "Ada" };

describe("SignedInUsers", () => {
  it("a valid token › a user caller named by email; the row written once per refresh period", async () => {
    const seen: VerifiedToken[] = [];
    const verifier = { verify: async () => user } as unknown as OidcVerifier;
    const sightings = new UserSightings({ seen: async (u) => (seen.push(u), "row-1") }, 60_000);
    const users = new SignedInUsers(verifier, sightings);
    expect(await users.verify(JWT)).toEqual({ kind: "user", id: "row-1", name: "ada@example.com" });
    await users.verify(JWT);
    expect(seen).toEqual([user]);
    // without a verified email the subject names the user
    const noEmail = new SignedInUsers(
      { verify: async () => ({ ...user, email: null }) } as unknown as OidcVerifier,
      sightings,
    );
    expect((await noEmail.verify(JWT)).name).toBe("ada");
    expect(seen).toHaveLength(2); // email changed: written again
  });

  it("a rejected token › the verifier's UNAUTHENTICATED, nothing recorded", async () => {
    const seen: VerifiedToken[] = [];
    const verifier = {
      verify: async () => {
        throw new UnauthenticatedError("the sign-in token has expired", "TOKEN_EXPIRED");
      },
    } as unknown as OidcVerifier;
    const users = new SignedInUsers(
      verifier,
      new UserSightings({ seen: async (u) => (seen.push(u), "x") }, 0),
    );
    await expect(users.verify(JWT)).rejects.toMatchObject({ reason: "TOKEN_EXPIRED" });
    expect(seen).toEqual([]);
  });
});
