/**
 * Sign-in tokens at the services (AUTH_ENABLED=true, OIDC_ISSUER_URL set), against a real OpenID
 * Connect provider on loopback (`oidc-provider`): a token from a real sign-in is accepted and its user
 * recorded once in `users`; expired, forged, wrong-audience, wrong-issuer and unsigned tokens are
 * UNAUTHENTICATED with their reason; a token signed with a key the provider rotated in verifies
 * without a restart. What a signed-in user may do is main's role policy: without a membership every
 * call is PERMISSION_DENIED naming the role needed; made an editor (AddMember by a bootstrap admin,
 * BOOTSTRAP_ADMIN_EMAILS) they can create an MCP.
 */
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AccessService, Role } from "@mcp/proto/registry";
import { UserStore, openDatabase, type DataSource } from "@mcp/db";
import { reasonOf } from "@mcp/runtime";
import { SignJWT, decodeProtectedHeader, exportJWK, importJWK } from "jose";
import { expectCode } from "../support/errors";
import { newPythonMcp, uniqueName } from "../support/mcps";
import {
  OTHER_CLIENT_ID,
  newSigningKey,
  startOidcProvider,
  unsignedJwt,
  type TestOidcProvider,
} from "../support/oidc-provider";
import { startPlatform, type TestPlatform } from "../support/platform";

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe("sign-in tokens at the services (OIDC_ISSUER_URL set)", () => {
  let idp: TestOidcProvider;
  let other: TestOidcProvider;
  let p: TestPlatform;
  let db: DataSource;

  beforeAll(async () => {
    idp = await startOidcProvider();
    other = await startOidcProvider();
    p = await startPlatform({
      env: {
        AUTH_ENABLED: "true",
        OIDC_ISSUER_URL: idp.issuer,
        OIDC_CLIENT_ID: idp.clientId,
        OIDC_CLOCK_SKEW_SECONDS: "5",
        OIDC_JWKS_COOLDOWN_MS: "0",
        BOOTSTRAP_ADMIN_EMAILS: "boss@example.test",
        // memberships are looked up afresh on every call, so one added shows at once
        AUTH_CACHE_MS: "0",
      },
    });
    db = (await openDatabase({ url: p.db.url, poolSize: 2 })).dataSource;
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await p?.stop();
    await other?.stop();
    await idp?.stop();
  });

  /**
   * `token` is accepted as user `who`'s, who has no membership: ListMcps (a read) is PERMISSION_DENIED
   * naming them and the role it needs, not UNAUTHENTICATED.
   */
  const acceptedWithoutRole = async (token: string, who: string) => {
    const err = await expectCode(p.clients.registry.listMcps({}, bearer(token)), Code.PermissionDenied);
    expect(err.rawMessage).toBe(
      `ListMcps needs the "viewer" role in workspace "default"; user "${who}" has no role there` +
        " (an admin of the workspace can add it: `mcp members add`)",
    );
  };

  /** The UNAUTHENTICATED error ListMcps gives for `token` (a read: nothing else could refuse it). */
  const refusal = async (token: string) => {
    const err = await expectCode(p.clients.registry.listMcps({}, bearer(token)), Code.Unauthenticated);
    return { reason: reasonOf(err), message: err.rawMessage };
  };

  it("a token from a real sign-in › is accepted; the user is stored once (issuer, subject, verified email, name); without a membership every call is refused naming the role", async () => {
    const login = uniqueName("alice");
    const email = `${login}@example.test`;
    const { idToken } = await idp.signIn(login);
    await acceptedWithoutRole(idToken, email);
    await expectCode(p.clients.workflows.listWorkflows({}, bearer(idToken)), Code.PermissionDenied);
    await expectCode(p.clients.executor.listRuns({}, bearer(idToken)), Code.PermissionDenied);

    const user = await new UserStore(db).find(idp.issuer, login);
    expect(user).toMatchObject({ issuer: idp.issuer, subject: login, email, name: `User ${login}` });
    expect(await db.query("SELECT count(*)::int AS n FROM users WHERE subject = $1", [login])).toEqual([
      { n: 1 },
    ]);

    // A write is refused naming the signed-in user and the role it needs.
    const denied = await expectCode(
      p.clients.registry.createMcp(newPythonMcp(), bearer(idToken)),
      Code.PermissionDenied,
    );
    expect(denied.rawMessage).toBe(
      `CreateMcp needs the "editor" role in workspace "default"; user "${email}" has no role there` +
        " (an admin of the workspace can add it: `mcp members add`)",
    );
  });

  it("a signed-in user made an editor (AddMember by a BOOTSTRAP_ADMIN_EMAILS admin, signed in too) › can create an MCP, recorded by their email", async () => {
    const login = uniqueName("carol");
    const email = `${login}@example.test`;
    const { idToken } = await idp.signIn(login);
    await acceptedWithoutRole(idToken, email);

    const boss = await idp.signIn("boss");
    const access = createClient(AccessService, createGrpcTransport({ baseUrl: p.registry.url }));
    const added = await access.addMember({ email, role: Role.EDITOR }, bearer(boss.idToken));
    expect(added.member).toMatchObject({ email, role: Role.EDITOR, addedBy: "boss@example.test" });

    const name = uniqueName("by-user");
    await p.clients.registry.createMcp(newPythonMcp(name), bearer(idToken));
    const listed = await p.clients.registry.listMcps({}, bearer(idToken));
    expect(listed.mcps.map((m) => m.name)).toContain(name);
    // an editor is not an admin: adding members stays refused, naming both roles
    const denied = await expectCode(
      access.addMember({ email: "x@example.test", role: Role.VIEWER }, bearer(idToken)),
      Code.PermissionDenied,
    );
    expect(denied.rawMessage).toBe(
      `AddMember needs the "admin" role in workspace "default"; user "${email}" has "editor"`,
    );
  });

  it("an expired token › UNAUTHENTICATED TOKEN_EXPIRED, saying when it expired", async () => {
    const exp = Math.floor(Date.now() / 1000) - 120; // beyond the 5 s clock skew
    const token = await idp.mint({ sub: "bob", exp, iat: exp - 600 });
    const { reason, message } = await refusal(token);
    expect(reason).toBe("TOKEN_EXPIRED");
    expect(message).toBe(
      `the sign-in token is not accepted: it expired at ${new Date(exp * 1000).toISOString()}; sign in again`,
    );
  });

  it("an expiry within the clock skew › still accepted", async () => {
    const sub = uniqueName("skew");
    const token = await idp.mint({ sub, exp: Math.floor(Date.now() / 1000) - 1 });
    await acceptedWithoutRole(token, sub);
  });

  it("a forged signature (another key under the provider's key id) › UNAUTHENTICATED TOKEN_SIGNATURE_INVALID", async () => {
    const attacker = await newSigningKey();
    const token = await idp.mint({ sub: "mallory" }, { key: { ...attacker, kid: idp.keys()[0]!.kid } });
    const { reason, message } = await refusal(token);
    expect(reason).toBe("TOKEN_SIGNATURE_INVALID");
    expect(message).toContain("its signature does not verify with the issuer's key");
  });

  it("a token signed with a key the provider does not publish › UNAUTHENTICATED TOKEN_KEY_UNKNOWN", async () => {
    const token = await idp.mint({ sub: "mallory" }, { key: await newSigningKey() });
    expect((await refusal(token)).reason).toBe("TOKEN_KEY_UNKNOWN");
  });

  it("a real token for another client (wrong audience) › UNAUTHENTICATED TOKEN_AUDIENCE_MISMATCH naming both", async () => {
    const { idToken } = await idp.signIn("carol", { clientId: OTHER_CLIENT_ID });
    const { reason, message } = await refusal(idToken);
    expect(reason).toBe("TOKEN_AUDIENCE_MISMATCH");
    expect(message).toBe(
      `the sign-in token is not accepted: its audience "${OTHER_CLIENT_ID}" is not "${idp.clientId}"`,
    );
  });

  it("a token of another issuer › UNAUTHENTICATED: a real one from another provider, and one claiming another issuer", async () => {
    const { idToken } = await other.signIn("dave");
    // Signed by the other provider's key, which the configured issuer does not publish.
    expect((await refusal(idToken)).reason).toBe("TOKEN_KEY_UNKNOWN");
    // Signed with the configured issuer's key but naming another issuer.
    const token = await idp.mint({ sub: "dave", iss: other.issuer });
    const { reason, message } = await refusal(token);
    expect(reason).toBe("TOKEN_ISSUER_MISMATCH");
    expect(message).toBe(
      `the sign-in token is not accepted: it was issued by "${other.issuer}", not by "${idp.issuer}"`,
    );
  });

  it("alg none (unsigned) and HS256 (the public key as a shared secret) › UNAUTHENTICATED TOKEN_ALGORITHM_NOT_ALLOWED", async () => {
    const now = Math.floor(Date.now() / 1000);
    const none = unsignedJwt({ iss: idp.issuer, aud: idp.clientId, sub: "eve", iat: now, exp: now + 600 });
    const notAllowed = {
      reason: "TOKEN_ALGORITHM_NOT_ALLOWED",
      message:
        "the sign-in token is not accepted: its signing algorithm is not allowed (only asymmetric signatures are)",
    };
    expect(await refusal(none)).toEqual(notAllowed);
    const publicJwk = JSON.stringify(
      await exportJWK(
        await importJWK(
          {
            ...idp.keys()[0]!.privateJwk,
            d: undefined,
            p: undefined,
            q: undefined,
            dp: undefined,
            dq: undefined,
            qi: undefined,
          },
          "RS256",
        ),
      ),
    );
    const hs256 = await new SignJWT({ sub: "eve" })
      .setProtectedHeader({ alg: "HS256", kid: idp.keys()[0]!.kid })
      .setIssuer(idp.issuer)
      .setAudience(idp.clientId)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(publicJwk));
    expect(await refusal(hs256)).toEqual(notAllowed);
  });

  it("a JWT-shaped token that is not a JWT › UNAUTHENTICATED TOKEN_MALFORMED; an API-key-shaped one keeps the key's message", async () => {
    expect((await refusal("abc.def.ghi")).reason).toBe("TOKEN_MALFORMED");
    expect((await refusal("not-a-key")).message).toContain("the API key is malformed");
  });

  it("key rotation › a token signed with the provider's new key verifies without a restart; the old key's tokens still do", async () => {
    const first = uniqueName("rot");
    const before = await idp.signIn(first);
    await acceptedWithoutRole(before.idToken, `${first}@example.test`); // the services now hold the old key set
    const fresh = await idp.rotateKeys();
    const second = uniqueName("rot");
    const after = await idp.signIn(second);
    expect(decodeProtectedHeader(after.idToken).kid).toBe(fresh.kid);
    await acceptedWithoutRole(after.idToken, `${second}@example.test`);
    const runs = await expectCode(
      p.clients.executor.listRuns({}, bearer(after.idToken)),
      Code.PermissionDenied,
    );
    expect(runs.rawMessage).toContain(`user "${second}@example.test" has no role there`);
    await acceptedWithoutRole(before.idToken, `${first}@example.test`);
  });

  it("a write with no credential › asks for a key or a sign-in", async () => {
    const err = await expectCode(p.clients.registry.createMcp(newPythonMcp()), Code.Unauthenticated);
    expect(err.rawMessage).toContain("or sign in (`mcp login`, the console)");
  });
});
