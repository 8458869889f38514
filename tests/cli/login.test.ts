/**
 * `mcp login` / `mcp logout` against a real OpenID Connect provider on loopback (`oidc-provider`):
 * the test follows the printed URL through the provider's login and consent pages with a plain HTTP
 * client (as a person's browser would), the provider redirects to the CLI's 127.0.0.1 listener, and
 * the CLI stores the tokens (0600) and sends them on later calls; an expired token is refreshed with
 * the refresh token; logout forgets them.
 */
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MemberStore, UserStore, openDatabase, type DataSource } from "@mcp/db";
import { runCli, startCli } from "../support/cli";
import { uniqueName } from "../support/mcps";
import {
  approveInBrowserlessSession,
  startOidcProvider,
  type TestOidcProvider,
} from "../support/oidc-provider";
import { startPlatform, type TestPlatform } from "../support/platform";

describe("mcp login (OpenID Connect, loopback redirect with PKCE)", () => {
  let idp: TestOidcProvider;
  let p: TestPlatform;
  let db: DataSource;
  let dir: string;
  let configFile: string;
  const login = uniqueName("frank");

  const cli = (...args: string[]) =>
    runCli(
      [
        "--registry",
        p.registry.url,
        "--workflows",
        p.workflows.server.url,
        "--executor",
        p.executors[0]!.server.url,
        ...args,
      ],
      { MCP_CONFIG: configFile },
    );
  const stored = () =>
    (JSON.parse(readFileSync(configFile, "utf8")) as { signIn?: Record<string, unknown> }).signIn;

  beforeAll(async () => {
    idp = await startOidcProvider();
    p = await startPlatform({
      env: { AUTH_ENABLED: "true", OIDC_ISSUER_URL: idp.issuer, OIDC_CLIENT_ID: idp.clientId },
    });
    db = (await openDatabase({ url: p.db.url, poolSize: 2 })).dataSource;
    // the person is a viewer of `default`: reads are theirs, writes are not
    await new MemberStore(db).add({
      workspace: "default",
      email: `${login}@example.test`,
      role: "viewer",
      addedBy: "test",
    });
    dir = mkdtempSync(join(tmpdir(), "mcp-login-"));
    configFile = join(dir, "mcp", "config.json");
  }, 120_000);
  afterAll(async () => {
    await db?.destroy();
    await p?.stop();
    await idp?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("signs in through the printed URL, stores the tokens 0600, and later calls go as the user", async () => {
    const running = startCli(["login", "--issuer", idp.issuer, "--client-id", idp.clientId, "--no-browser"], {
      MCP_CONFIG: configFile,
    });
    const [printed] = await running.waitForStdout(/^http\S+$/m);
    const url = new URL(printed);
    expect(url.origin).toBe(idp.issuer);
    expect(url.searchParams.get("code_challenge_method")).toBe("S256");
    const redirectUri = new URL(url.searchParams.get("redirect_uri")!);
    expect(redirectUri.hostname).toBe("127.0.0.1");

    // The person signs in; the provider sends the browser back to the CLI's listener.
    const back = await approveInBrowserlessSession(url.href, login);
    expect(back.origin).toBe(redirectUri.origin);
    const page = await fetch(back);
    expect(await page.text()).toContain("Signed in to the MCP platform");
    const result = await running.done;
    expect(result.stderr).toContain(`Signed in as ${login}@example.test`);
    expect(result.code).toBe(0);

    expect(statSync(configFile).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "mcp")).mode & 0o777).toBe(0o700);
    expect(stored()).toMatchObject({
      issuer: idp.issuer,
      clientId: idp.clientId,
      user: `${login}@example.test`,
    });
    expect(typeof stored()?.["refreshToken"]).toBe("string");

    // A read goes through signed in; the services recorded the user on first sight.
    const list = await cli("list", "mcps");
    expect(list.code).toBe(0);
    expect(await new UserStore(db).find(idp.issuer, login)).toMatchObject({ email: `${login}@example.test` });
    // A write reaches the registry as this user, refused by their role (viewer).
    const del = await cli("delete", "mcp", "nothing-here");
    expect(del.code).toBe(2);
    expect(del.stderr).toContain(
      `DeleteMcp needs the "editor" role in workspace "default"; user "${login}@example.test" has "viewer"`,
    );
  });

  it("refreshes an expired token with the refresh token before calling, and saves the new one", async () => {
    const before = stored()!;
    writeFileSync(configFile, JSON.stringify({ signIn: { ...before, expiresAt: Date.now() - 1000 } }), {
      mode: 0o600,
    });
    const refreshed = idp.refreshes();
    const list = await cli("list", "mcps");
    expect(list.stderr).toBe("");
    expect(list.code).toBe(0);
    // the provider answered one refresh grant (the new ID token itself can equal the old one: RS256
    // is deterministic and `iat` counts seconds), and what it gave was saved
    expect(idp.refreshes()).toBe(refreshed + 1);
    const after = stored()!;
    expect(typeof after["idToken"]).toBe("string");
    expect(after["expiresAt"] as number).toBeGreaterThan(Date.now());
    expect(statSync(configFile).mode & 0o777).toBe(0o600);
  });

  it("logout forgets the sign-in: writes then ask for credentials again", async () => {
    const out = await cli("logout");
    expect(out.code).toBe(0);
    expect(out.stderr).toContain(`Signed out ${login}@example.test.`);
    expect(stored()).toBeUndefined();
    const del = await cli("delete", "mcp", "nothing-here");
    expect(del.code).toBe(2);
    expect(del.stderr).toContain("DeleteMcp needs a credential");
  });

  it("login without a provider › a usage error naming the flags and variables", async () => {
    const out = await runCli(["login", "--no-browser"], {
      MCP_CONFIG: configFile,
      OIDC_ISSUER_URL: "",
      OIDC_CLIENT_ID: "",
    });
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(
      "mcp login needs the provider: --issuer and --client-id (or OIDC_ISSUER_URL and OIDC_CLIENT_ID)",
    );
  });
});
