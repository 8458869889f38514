/**
 * The web console with sign-in configured (OIDC_ISSUER_URL, OIDC_CLIENT_ID), in Chromium, against a
 * real OpenID Connect provider on loopback (`oidc-provider`, its login and consent pages): Sign in
 * goes through the provider and back, the header shows who is signed in, calls carry the user's
 * token and reach the services as that user, an expired token is refreshed, Sign out forgets it.
 */
import { UserStore, openDatabase, type DataSource } from "@mcp/db";
import type { Page, Request } from "playwright-core";
import { startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { uniqueName } from "../support/mcps";
import { startOidcProvider, type TestOidcProvider } from "../support/oidc-provider";
import { startPlatform, type TestPlatform } from "../support/platform";

/** Where the console keeps the session (console/src/sign-in/session.ts). */
const SESSION_KEY = "mcp-console.session";

const registryCall = (method: string) => (req: Request) =>
  req.method() === "POST" && req.url().endsWith(`/mcp.registry.v1.RegistryService/${method}`);

/** The page's sessionStorage (typed here: the tests compile without the DOM library). */
type PageStorage = {
  sessionStorage: { getItem(k: string): string | null; setItem(k: string, v: string): void };
};
const storedSession = (page: Page) =>
  page.evaluate((k) => (globalThis as unknown as PageStorage).sessionStorage.getItem(k), SESSION_KEY);

/** The claims of a JWT (not verified: the services do that). */
const claimsOf = (jwt: string) =>
  JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

describe("web console › sign-in with OpenID Connect (Chromium, a real provider and platform)", () => {
  const browser = useBrowser();
  let idp: TestOidcProvider;
  let platform: TestPlatform;
  let web: TestConsole;
  let db: DataSource;

  beforeAll(async () => {
    idp = await startOidcProvider();
    platform = await startPlatform({
      env: { AUTH_ENABLED: "true", OIDC_ISSUER_URL: idp.issuer, OIDC_CLIENT_ID: idp.clientId },
    });
    db = (await openDatabase({ url: platform.db.url, poolSize: 2 })).dataSource;
    web = await startTestConsole(platform, undefined, {
      signIn: { issuer: idp.issuer, clientId: idp.clientId, scopes: "openid email profile offline_access" },
    });
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
    await db?.destroy();
    await platform?.stop();
    await idp?.stop();
  });

  /** From a console page: Sign in → the provider's login and consent pages → back on `path`, signed in. */
  async function signIn(page: Page, login: string, path: string): Promise<void> {
    await page.goto(`${web.url}${path}`);
    const header = page.getByRole("banner");
    await header.getByText("not signed in", { exact: true }).waitFor();
    await header.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.origin === idp.issuer);
    await page.locator('input[name="login"]').fill(login);
    await page.locator('input[name="password"]').fill("any password");
    await page.getByRole("button", { name: "Sign-in" }).click();
    await page.getByRole("button", { name: "Continue" }).click(); // consent (offline_access: a refresh token)
    await page.waitForURL(`${web.url}${path}`);
    await header.getByText(`${login}@example.test`, { exact: true }).waitFor();
  }

  it("Sign in › through the provider and back; calls carry the user's token and reach the services as that user", async () => {
    const login = uniqueName("grace");
    const page = browser.page();
    await page.goto(`${web.url}/mcps`);
    // Sign-in configured: no API key to paste.
    expect(await page.getByRole("banner").getByRole("button", { name: "Settings" }).count()).toBe(0);

    const listed = page.waitForRequest(
      (req) => registryCall("ListMcps")(req) && req.headers()["authorization"] !== undefined,
    );
    await signIn(page, login, "/mcps");
    await page.getByRole("heading", { level: 1, name: "MCPs" }).waitFor();
    const token = (await (await listed).allHeaders())["authorization"]!.replace(/^Bearer /, "");
    expect(claimsOf(token)).toMatchObject({ iss: idp.issuer, aud: idp.clientId, sub: login });
    await page.getByRole("banner").getByText("Signed in as").waitFor();

    // The registry verified the token and recorded the user.
    expect(await new UserStore(db).find(idp.issuer, login)).toMatchObject({
      email: `${login}@example.test`,
      name: `User ${login}`,
    });

    // A write from the UI reaches the registry as this user, who has no membership: refused naming the role.
    await page.getByRole("link", { name: "New MCP" }).click();
    await page.getByLabel("Name", { exact: true }).fill(uniqueName("byuser"));
    await page.getByRole("button", { name: "Create MCP" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "CreateMcp failed" });
    await alert.getByText("PERMISSION_DENIED", { exact: true }).waitFor();
    await alert
      .getByText(
        `CreateMcp needs the "editor" role in workspace "default"; user "${login}@example.test" has no role there`,
        { exact: false },
      )
      .waitFor();
  });

  it("an expired token › refreshed with the refresh token before the next call; Sign out › calls go without a token", async () => {
    const login = uniqueName("henry");
    const page = browser.page();
    await signIn(page, login, "/mcps");
    const session = JSON.parse((await storedSession(page))!) as {
      idToken: string;
      refreshToken?: string;
      expiresAt: number;
    };
    expect(typeof session.refreshToken).toBe("string");
    await page.evaluate(
      ([k, v]) => (globalThis as unknown as PageStorage).sessionStorage.setItem(k!, v!),
      [SESSION_KEY, JSON.stringify({ ...session, expiresAt: Date.now() - 1000 })],
    );

    // the refresh grant at the provider, and the ID token it answered with (which can be the very
    // same string as the first one when both were issued in the same second: compare with that)
    const refresh = page.waitForResponse(
      (r) =>
        r.url().startsWith(idp.issuer) && (r.request().postData() ?? "").includes("grant_type=refresh_token"),
    );
    const listed = page.waitForRequest(registryCall("ListMcps"));
    await page.reload();
    const granted = (await (await refresh).json()) as { id_token?: string };
    const sent = (await (await listed).allHeaders())["authorization"]!.replace(/^Bearer /, "");
    expect(typeof granted.id_token).toBe("string");
    expect(sent).toBe(granted.id_token);
    expect(claimsOf(sent)).toMatchObject({ sub: login });
    await page.getByRole("banner").getByText(`${login}@example.test`, { exact: true }).waitFor();
    const refreshed = JSON.parse((await storedSession(page))!) as {
      expiresAt: number;
    };
    expect(refreshed.expiresAt).toBeGreaterThan(Date.now());

    await page.getByRole("banner").getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("banner").getByText("not signed in", { exact: true }).waitFor();
    expect(await storedSession(page)).toBeNull();
    const anonymous = page.waitForRequest(registryCall("ListMcps"));
    await page.reload();
    expect((await (await anonymous).allHeaders())["authorization"]).toBeUndefined();
  });
});
