/**
 * The web console against a platform that requires API keys (AUTH_ENABLED=true), in Chromium: what a
 * user sees without a key, with a key pasted into Settings, with a wrong one, and that the key survives
 * a reload and travels as `authorization: Bearer <key>`. Keys are made with the ApiKeyStore, as
 * `npm run keys -- create` makes them; the API (with a key) checks what the UI did.
 */
import { Code, ConnectError } from "@connectrpc/connect";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import { McpType } from "@mcp/proto/registry";
import { generateApiKey, type Role } from "@mcp/runtime";
import type { Page, Request } from "playwright-core";
import { rpcError } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { startPlatform, type TestPlatform } from "../support/platform";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

/** Where the console keeps the key (console/src/api/api-key.ts). */
const STORAGE_KEY = "mcp-console.api-key";

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
const byName = (name: string) => ({ mcp: { case: "name" as const, value: name } });

/** A POST (not the CORS preflight) of the Connect call `method` of the registry. */
const registryCall = (method: string) => (req: Request) =>
  req.method() === "POST" && req.url().endsWith(`/mcp.registry.v1.RegistryService/${method}`);

/** Opens "New MCP" from the MCPs list and fills name and description (the starter config stays). */
async function fillNewMcp(page: Page, web: TestConsole, name: string): Promise<void> {
  await page.goto(`${web.url}/mcps`);
  await page.getByRole("heading", { level: 1, name: "MCPs" }).waitFor();
  await page.getByRole("link", { name: "New MCP" }).click();
  await page.getByRole("heading", { level: 1, name: "New MCP" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Description", { exact: true }).fill("made from the console with auth on");
}

/** Settings (header) → API key → Save → Close; resolves once the header says a key is set. */
async function saveKey(page: Page, key: string): Promise<void> {
  await page.getByRole("banner").getByRole("button", { name: "Settings" }).click();
  const dialog = page.getByRole("dialog", { name: "Settings" });
  await dialog.getByLabel("API key").fill(key);
  await dialog.getByRole("button", { name: "Save" }).click();
  await dialog.getByRole("status").filter({ hasText: "API key saved." }).waitFor();
  await dialog.getByRole("button", { name: "Close" }).click();
  await dialog.waitFor({ state: "detached" });
  await page.getByRole("banner").getByText("API key set", { exact: true }).waitFor();
}

/** The alert of a failed call shows `code` and exactly `message`. */
async function expectAlert(page: Page, title: string, code: string, message: string): Promise<void> {
  const alert = page.getByRole("alert").filter({ hasText: title });
  await alert.waitFor();
  await alert.getByText(code, { exact: true }).waitFor();
  await alert.getByText(message, { exact: true }).waitFor();
}

describe("web console › API keys required (AUTH_ENABLED=true; Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;
  let keys: DataSource;
  /** A user's key with the role the console's calls need: admin (create, move `production`, run). */
  let userKey: string;
  /** Made through the API before the tests: the list always has at least this MCP. */
  const seeded = uniqueName("seeded");

  /** True when the registry (asked with the user's key) has an MCP named `name`. */
  const exists = async (name: string): Promise<boolean> => {
    try {
      await platform.clients.registry.getMcp(byName(name), bearer(userKey));
      return true;
    } catch (err) {
      if (ConnectError.from(err).code !== Code.NotFound) throw err;
      return false;
    }
  };

  /** A new live key with `role`, stored as `npm run keys -- create` stores it. */
  const newKey = async (name: string, role: Role): Promise<string> => {
    const key = generateApiKey();
    await new ApiKeyStore(keys).create({ id: key.id, name, secretHash: key.secretHash, role });
    return key.token;
  };

  beforeAll(async () => {
    const service = generateApiKey();
    platform = await startPlatform({
      env: { AUTH_ENABLED: "true", AUTH_CACHE_MS: "300", SERVICE_API_KEY: service.token },
    });
    keys = (await openDatabase({ url: platform.db.url, poolSize: 2 })).dataSource;
    await new ApiKeyStore(keys).create({
      id: service.id,
      name: "platform-services",
      secretHash: service.secretHash,
      role: "viewer",
    });
    userKey = await newKey(uniqueName("console-user"), "admin");
    await platform.clients.registry.createMcp(
      { name: seeded, config: scriptConfig(ECHO_SCRIPT) },
      bearer(userKey),
    );
    web = await startTestConsole(platform);
  }, 240_000);

  afterAll(async () => {
    await web?.stop();
    await keys?.destroy();
    await platform?.stop();
  });

  it("New MCP without a key › shows UNAUTHENTICATED and the registry's message, sends no authorization header, creates nothing", async () => {
    const name = uniqueName("nokey");
    const expected = await rpcError(
      platform.clients.registry.createMcp({ name, config: scriptConfig(ECHO_SCRIPT) }),
    );
    expect(expected.code).toBe(Code.Unauthenticated);
    expect(expected.rawMessage).toContain("CreateMcp needs a credential");

    const page = browser.page();
    // Reads need a key too (a viewer's at least): the list says so, with the registry's message.
    const listRefused = await rpcError(platform.clients.registry.listMcps({}));
    expect(listRefused.code).toBe(Code.Unauthenticated);
    await page.goto(`${web.url}/mcps`);
    await page.getByRole("banner").getByText("no API key", { exact: true }).waitFor();
    await expectAlert(page, "Could not list MCPs", "UNAUTHENTICATED", listRefused.rawMessage);
    await fillNewMcp(page, web, name);
    const call = page.waitForRequest(registryCall("CreateMcp"));
    await page.getByRole("button", { name: "Create MCP" }).click();
    expect((await (await call).allHeaders())["authorization"]).toBeUndefined();

    await expectAlert(page, "CreateMcp failed", "UNAUTHENTICATED", expected.rawMessage);
    expect(page.url()).toBe(`${web.url}/mcps/new`);
    expect(await exists(name)).toBe(false);
  });

  it("Settings › with the key saved the header says so, and the same form now creates the MCP (sent as Bearer)", async () => {
    const name = uniqueName("withkey");
    const page = browser.page();
    await fillNewMcp(page, web, name);
    await page.getByRole("button", { name: "Create MCP" }).click();
    await page
      .getByRole("alert")
      .filter({ hasText: "CreateMcp failed" })
      .getByText("UNAUTHENTICATED", { exact: true })
      .waitFor();

    await saveKey(page, userKey);
    // Still the same form, still filled in.
    expect(page.url()).toBe(`${web.url}/mcps/new`);
    expect(await page.getByLabel("Name", { exact: true }).inputValue()).toBe(name);

    const call = page.waitForRequest(registryCall("CreateMcp"));
    await page.getByRole("button", { name: "Create MCP" }).click();
    expect((await (await call).allHeaders())["authorization"]).toBe(`Bearer ${userKey}`);
    await page.waitForURL(`${web.url}/mcps/${name}`);
    await page.getByRole("heading", { level: 1, name, exact: true }).waitFor();

    const { mcp, version } = await platform.clients.registry.getMcp(byName(name), bearer(userKey));
    expect(mcp).toMatchObject({
      name,
      type: McpType.PYTHON_SCRIPT,
      description: "made from the console with auth on",
      latestVersion: 1,
    });
    expect(version?.config?.kind.case).toBe("pythonScript");
  });

  it("a malformed key › writes and reads are UNAUTHENTICATED with the API's message; cleared, reads ask for a key; a good key brings the list", async () => {
    const malformed = "not-a-key";
    const expected = await rpcError(platform.clients.registry.listMcps({}, bearer(malformed)));
    expect(expected.code).toBe(Code.Unauthenticated);
    expect(expected.rawMessage).toContain("malformed");
    const anonymous = await rpcError(platform.clients.registry.listMcps({}));
    expect(anonymous.code).toBe(Code.Unauthenticated);

    const name = uniqueName("malformed");
    const page = browser.page();
    await page.goto(web.url);
    await saveKey(page, malformed);

    // A key, when sent, must be valid: on a write...
    await fillNewMcp(page, web, name);
    await page.getByRole("button", { name: "Create MCP" }).click();
    await expectAlert(page, "CreateMcp failed", "UNAUTHENTICATED", expected.rawMessage);
    expect(await exists(name)).toBe(false);

    // ...and on a read.
    await page.goto(`${web.url}/mcps`);
    await expectAlert(page, "Could not list MCPs", "UNAUTHENTICATED", expected.rawMessage);

    // Clearing the key in Settings asks again on this very page, now for a credential at all...
    await page.getByRole("banner").getByRole("button", { name: "Settings" }).click();
    const dialog = page.getByRole("dialog", { name: "Settings" });
    await dialog.getByRole("button", { name: "Clear key" }).click();
    await dialog.getByRole("status").filter({ hasText: "API key cleared." }).waitFor();
    await dialog.getByRole("button", { name: "Close" }).click();
    await page.getByRole("banner").getByText("no API key", { exact: true }).waitFor();
    await expectAlert(page, "Could not list MCPs", "UNAUTHENTICATED", anonymous.rawMessage);
    // ...and a good key brings the list back without a reload.
    await saveKey(page, userKey);
    await page.getByRole("link", { name: seeded, exact: true }).waitFor();
    expect(await page.getByRole("alert").count()).toBe(0);
  });

  it("a revoked key › New MCP shows UNAUTHENTICATED with the API's message naming the revocation", async () => {
    const keyName = uniqueName("revoked");
    const key = await newKey(keyName, "editor");
    await platform.clients.registry.listMcps({}, bearer(key)); // a live key: accepted (and now cached)
    await new ApiKeyStore(keys).revoke(keyName);
    // The services cache keys for AUTH_CACHE_MS (300 ms here): wait until the revocation lands (probed
    // with a read, so an early success creates nothing).
    await waitFor("the revoked key to be refused", () =>
      rpcError(platform.clients.registry.listMcps({}, bearer(key))),
    );
    const name = uniqueName("byrevoked");
    const expected = await rpcError(
      platform.clients.registry.createMcp({ name, config: scriptConfig(ECHO_SCRIPT) }, bearer(key)),
    );
    expect(expected.code).toBe(Code.Unauthenticated);
    expect(expected.rawMessage).toContain("has been revoked");

    const page = browser.page();
    await page.goto(web.url);
    await saveKey(page, key);
    await fillNewMcp(page, web, name);
    await page.getByRole("button", { name: "Create MCP" }).click();
    await expectAlert(page, "CreateMcp failed", "UNAUTHENTICATED", expected.rawMessage);
    expect(await exists(name)).toBe(false);
  });

  it("keeps the key across a reload (localStorage) and sends it as `authorization: Bearer <key>`", async () => {
    const page = browser.page();
    await page.goto(`${web.url}/mcps`);
    await page.getByRole("banner").getByText("no API key", { exact: true }).waitFor();
    await saveKey(page, userKey);
    const { origins } = await page.context().storageState();
    expect(origins.find((o) => o.origin === web.url)?.localStorage).toContainEqual({
      name: STORAGE_KEY,
      value: userKey,
    });

    const listed = page.waitForRequest(registryCall("ListMcps"));
    await page.reload();
    expect((await (await listed).allHeaders())["authorization"]).toBe(`Bearer ${userKey}`);
    await page.getByRole("banner").getByText("API key set", { exact: true }).waitFor();
    await page.getByRole("link", { name: seeded, exact: true }).waitFor();

    await page.getByRole("banner").getByRole("button", { name: "Settings" }).click();
    const dialog = page.getByRole("dialog", { name: "Settings" });
    expect(await dialog.getByLabel("API key").inputValue()).toBe(userKey);
    await dialog.getByRole("button", { name: "Close" }).click();

    // A write after the reload goes with the key and succeeds.
    const name = uniqueName("reloaded");
    await fillNewMcp(page, web, name);
    const created = page.waitForRequest(registryCall("CreateMcp"));
    await page.getByRole("button", { name: "Create MCP" }).click();
    expect((await (await created).allHeaders())["authorization"]).toBe(`Bearer ${userKey}`);
    await page.waitForURL(`${web.url}/mcps/${name}`);
    expect(await exists(name)).toBe(true);
  });
});
