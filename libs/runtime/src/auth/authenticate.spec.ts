import { UnauthenticatedError } from "@mcp/errors";
import { Authenticator } from "./authenticate.js";
import { generateApiKey } from "./api-key.js";
import { ApiKeyVerifier, type StoredApiKey } from "./key-verifier.js";
import type { OidcVerifier, VerifiedToken } from "./oidc-verifier.js";
import { UserSightings } from "./user-sightings.js";

const key = generateApiKey();
const keys = new ApiKeyVerifier({
  find: async (id): Promise<StoredApiKey | undefined> =>
    id === key.id
      ? { id, name: "ci", secretHash: key.secretHash, scopes: ["write"], revokedAt: null }
      : undefined,
  touch: async () => undefined,
});
const JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2ln";
const user: VerifiedToken = { issuer: "https://id", subject: "ada", email: "ada@example.com", name: "Ada" };
const headers = (authorization: string) => new Headers({ authorization: `Bearer ${authorization}` });

describe("Authenticator", () => {
  it("an API key › the key's caller and scopes", async () => {
    const who = await new Authenticator(keys, undefined).authenticate(headers(key.token));
    expect(who).toEqual({ caller: { kind: "key", id: key.id, name: "ci" }, scopes: ["write"] });
  });

  it("no credential › undefined", async () => {
    expect(await new Authenticator(keys, undefined).authenticate(new Headers())).toBeUndefined();
  });

  it("a JWT without sign-in configured › UNAUTHENTICATED SIGN_IN_NOT_CONFIGURED", async () => {
    const call = new Authenticator(keys, undefined).authenticate(headers(JWT));
    await expect(call).rejects.toThrow(UnauthenticatedError);
    await expect(call).rejects.toMatchObject({ reason: "SIGN_IN_NOT_CONFIGURED" });
  });

  it("a JWT with sign-in › a user caller named by email, no scopes; the row written once per refresh period", async () => {
    const seen: VerifiedToken[] = [];
    const verifier = { verify: async () => user } as unknown as OidcVerifier;
    const users = new UserSightings({ seen: async (u) => (seen.push(u), "row-1") }, 60_000);
    const auth = new Authenticator(keys, { verifier, users });
    expect(await auth.authenticate(headers(JWT))).toEqual({
      caller: { kind: "user", id: "row-1", name: "ada@example.com" },
      scopes: [],
    });
    await auth.authenticate(headers(JWT));
    expect(seen).toEqual([user]);
    // without a verified email the subject names the user
    const noEmail = new Authenticator(keys, {
      verifier: { verify: async () => ({ ...user, email: null }) } as unknown as OidcVerifier,
      users,
    });
    expect((await noEmail.authenticate(headers(JWT)))?.caller.name).toBe("ada");
    expect(seen).toHaveLength(2); // email changed: written again
  });
});
