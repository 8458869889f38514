/**
 * The console's Secrets page against a real platform with API keys on and a SECRETS_KEY on the
 * executor, in Chromium: an admin key creates a secret, sets a new value, re-encrypts and deletes it
 * (after confirming) through the UI; the API and the executor's vault check what the UI did, and the
 * value never shows in the page. A write+execute key gets PERMISSION_DENIED and creates nothing. The MCP
 * page shows a version's network access and secrets, and its diff names them. Screenshot:
 * `tests/artifacts/secrets-page.png`.
 */
import { randomBytes } from "node:crypto";
import { Code, ConnectError, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import { SecretService } from "@mcp/proto/executor";
import { NetworkAccess } from "@mcp/proto/registry";
import { derivedKeyId } from "@mcp/executor/config";
import { generateApiKey, type Role } from "@mcp/runtime";
import type { Page, Request } from "playwright-core";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { rpcError } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

const SECRETS_KEY = randomBytes(32);
const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

/** A secret's name (letters, digits, `_`) that no other test uses. */
const secretName = (prefix: string) => `${prefix}_${randomBytes(4).toString("hex").toUpperCase()}`;
/** A value worth searching the page for. */
const secretValue = (label: string) => `${label}-${randomBytes(16).toString("hex")}`;

/** A POST (not the CORS preflight) of SecretService's `method`. */
const secretsCall = (method: string) => (req: Request) =>
  req.method() === "POST" && req.url().endsWith(`/mcp.executor.v1.SecretService/${method}`);

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

/** The alert titled `title` (within `scope`) shows `code` and exactly `message`. */
async function expectAlert(
  scope: Pick<Page, "getByRole">,
  title: string,
  code: string,
  message: string,
): Promise<void> {
  const alert = scope.getByRole("alert").filter({ hasText: title });
  await alert.waitFor();
  await alert.getByText(code, { exact: true }).waitFor();
  await alert.getByText(message, { exact: true }).waitFor();
}

/** Opens the Secrets page from the main navigation. */
async function openSecrets(page: Page, web: TestConsole): Promise<void> {
  await page.goto(`${web.url}/mcps`);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Secrets" }).click();
  await page.getByRole("heading", { level: 1, name: "Secrets" }).waitFor();
}

/** "New secret" → name, value, description → "Save secret"; the dialog stays open on an error. */
async function submitNewSecret(page: Page, name: string, value: string, description: string): Promise<void> {
  await page.getByRole("button", { name: "New secret" }).click();
  const dialog = page.getByRole("dialog", { name: "New secret" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByLabel("Value", { exact: true }).fill(value);
  await dialog.getByLabel("Description", { exact: true }).fill(description);
  await dialog.getByRole("button", { name: "Save secret" }).click();
}

describe("web console › Secrets (API keys and SECRETS_KEY on; Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;
  let keys: DataSource;
  let secrets: Client<typeof SecretService>;
  let admin: string;
  let adminName: string;
  let writer: string;

  /** A new live key with `role`, stored as `npm run keys -- create` stores it. */
  const newKey = async (name: string, role: Role): Promise<string> => {
    const key = generateApiKey();
    await new ApiKeyStore(keys).create({ id: key.id, name, secretHash: key.secretHash, role });
    return key.token;
  };

  /** True when the store (asked with the admin key) has a secret named `name`. */
  const exists = async (name: string): Promise<boolean> => {
    try {
      await secrets.getSecret({ name }, bearer(admin));
      return true;
    } catch (err) {
      if (ConnectError.from(err).code !== Code.NotFound) throw err;
      return false;
    }
  };

  /** What the executor decrypts for a step that names `name`. */
  const revealed = async (name: string) =>
    (await platform.executors[0]!.secrets.reveal("default", [name])).get(name);

  /** Fails when the page's HTML, its storage or its inputs hold `value`. */
  const expectNowhere = async (page: Page, value: string) => {
    expect(await page.content()).not.toContain(value);
    for (const input of await page.locator("input").all()) expect(await input.inputValue()).not.toBe(value);
    expect(JSON.stringify(await page.context().storageState())).not.toContain(value);
  };

  beforeAll(async () => {
    const service = generateApiKey();
    platform = await startPlatform({
      env: { AUTH_ENABLED: "true", AUTH_CACHE_MS: "300", SERVICE_API_KEY: service.token },
      executorEnv: { SECRETS_KEY: SECRETS_KEY.toString("base64") },
    });
    keys = (await openDatabase({ url: platform.db.url, poolSize: 2 })).dataSource;
    await new ApiKeyStore(keys).create({
      id: service.id,
      name: "platform-services",
      secretHash: service.secretHash,
      role: "viewer",
    });
    adminName = uniqueName("console-admin");
    admin = await newKey(adminName, "admin");
    writer = await newKey(uniqueName("console-writer"), "editor");
    secrets = createClient(
      SecretService,
      createGrpcTransport({ baseUrl: platform.executors[0]!.server.url }),
    );
    web = await startTestConsole(platform);
  }, 240_000);

  afterAll(async () => {
    await web?.stop();
    await keys?.destroy();
    await platform?.stop();
  });

  it("an admin key › creates a secret (listed, found by GetSecret, its value nowhere in the page), sets a new value, re-encrypts, and deletes it once confirmed", async () => {
    const name = secretName("CONSOLE");
    const first = secretValue("first");
    const page = browser.page();
    await page.goto(web.url);
    await saveKey(page, admin);
    await openSecrets(page, web);
    await page.getByText("Values are write-only", { exact: false }).waitFor();

    const put = page.waitForRequest(secretsCall("PutSecret"));
    await submitNewSecret(page, name, first, "made in the console");
    expect((await (await put).allHeaders())["authorization"]).toBe(`Bearer ${admin}`);
    await page
      .getByRole("status")
      .filter({ hasText: `Created secret ${name} (value version 1).` })
      .waitFor();
    await page.getByRole("dialog", { name: "New secret" }).waitFor({ state: "detached" });
    const table = page.getByRole("table", { name: "Secrets" });
    const row = table.getByRole("row").filter({ has: page.getByRole("rowheader", { name, exact: true }) });
    await row.waitFor();

    const { secret } = await secrets.getSecret({ name }, bearer(admin));
    expect(secret).toMatchObject({
      name,
      description: "made in the console",
      valueVersion: 1,
      keyId: derivedKeyId(SECRETS_KEY),
      createdBy: adminName,
    });
    expect(await row.getByRole("cell").allTextContents()).toEqual(
      expect.arrayContaining(["made in the console", "v1", secret!.keyId, adminName]),
    );
    expect(await revealed(name)).toBe(first);
    await expectNowhere(page, first);
    await saveScreenshot(page, "secrets-page");

    // A new value, from the row's "Set value": the description stays as it was.
    const second = secretValue("second");
    await page.getByRole("button", { name: `Set value of ${name}` }).click();
    const setDialog = page.getByRole("dialog", { name: `Set value of ${name}` });
    expect(await setDialog.getByLabel("Description", { exact: true }).inputValue()).toBe(
      "made in the console",
    );
    await setDialog.getByLabel("Value", { exact: true }).fill(second);
    await setDialog.getByRole("button", { name: "Save secret" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Set a new value of ${name}: value version 2.` })
      .waitFor();
    await row.getByRole("cell", { name: "v2", exact: true }).waitFor();
    expect(await revealed(name)).toBe(second);
    await expectNowhere(page, first);
    await expectNowhere(page, second);

    // Every secret is already sealed with the only key: nothing to re-encrypt.
    await page.getByRole("button", { name: "Re-encrypt with current key" }).click();
    await page
      .getByRole("status")
      .filter({
        hasText: `Re-encrypted 0 secrets; every secret is now sealed with key ${derivedKeyId(SECRETS_KEY)}.`,
      })
      .waitFor();

    // Delete asks first; Cancel deletes nothing.
    await page.getByRole("button", { name: `Delete ${name}` }).click();
    const confirm = page.getByRole("dialog", { name: `Delete secret ${name}?` });
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    expect(await exists(name)).toBe(true);

    const deleted = page.waitForRequest(secretsCall("DeleteSecret"));
    await page.getByRole("button", { name: `Delete ${name}` }).click();
    await confirm.getByRole("button", { name: "Delete secret" }).click();
    await deleted;
    await page
      .getByRole("status")
      .filter({ hasText: `Deleted secret ${name}.` })
      .waitFor();
    await row.waitFor({ state: "detached" });
    expect(await exists(name)).toBe(false);
  });

  it("an editor key › the list shows PERMISSION_DENIED with the API's message, and New secret is refused: nothing is created", async () => {
    const name = secretName("REFUSED");
    const value = secretValue("refused");
    const listDenied = await rpcError(secrets.listSecrets({}, bearer(writer)));
    expect(listDenied.code).toBe(Code.PermissionDenied);
    const putDenied = await rpcError(secrets.putSecret({ name, value }, bearer(writer)));
    expect(putDenied.code).toBe(Code.PermissionDenied);
    expect(putDenied.rawMessage).toContain('PutSecret needs the "admin" role in workspace "default"');
    expect(await exists(name)).toBe(false);

    const page = browser.page();
    await page.goto(web.url);
    await saveKey(page, writer);
    await openSecrets(page, web);
    await expectAlert(page, "Could not list secrets", "PERMISSION_DENIED", listDenied.rawMessage);
    await page.getByText("needs an API key with the admin role", { exact: false }).first().waitFor();

    const put = page.waitForRequest(secretsCall("PutSecret"));
    await submitNewSecret(page, name, value, "should not exist");
    expect((await (await put).allHeaders())["authorization"]).toBe(`Bearer ${writer}`);
    const dialog = page.getByRole("dialog", { name: "New secret" });
    await expectAlert(dialog, "PutSecret failed", "PERMISSION_DENIED", putDenied.rawMessage);
    expect(await dialog.getByLabel("Value", { exact: true }).inputValue()).toBe("");
    await expectNowhere(page, value);
    expect(await exists(name)).toBe(false);
    expect(
      (await secrets.listSecrets({ pageSize: 500 }, bearer(admin))).secrets.map((s) => s.name),
    ).not.toContain(name);
  });

  it("the MCP page › shows a version's network access and secrets, and the diff lists config.network and config.secrets", async () => {
    const mcp = uniqueName("sandboxed");
    const secret = secretName("FETCH_TOKEN");
    const v1 = scriptConfig(ECHO_SCRIPT);
    await platform.clients.registry.createMcp({ name: mcp, config: v1 }, bearer(admin));
    await platform.clients.registry.updateMcp(
      {
        mcp: { case: "name", value: mcp },
        updateMask: { paths: ["config"] },
        config: { ...v1, network: NetworkAccess.EGRESS, secrets: [secret] },
        changeNote: "egress and a secret",
      },
      bearer(admin),
    );

    const page = browser.page();
    // reads need a key too: any role's (this one cannot touch secrets)
    await page.goto(web.url);
    await saveKey(page, writer);
    await page.goto(`${web.url}/mcps/${mcp}`);
    await page.getByRole("heading", { level: 1, name: mcp, exact: true }).waitFor();
    await page.getByRole("heading", { level: 2, name: "Version 2 (latest)" }).waitFor();
    expect(await page.getByTestId("version-network").textContent()).toMatch(/^egress: outside hosts/);
    expect(await page.getByTestId("version-secrets").textContent()).toBe(secret);

    const changes = page.getByRole("table", { name: "Changes from v1 to v2" });
    await changes.waitFor();
    const paths = await changes.getByRole("row").locator("td:first-child").allTextContents();
    // v1 had neither field: both are added, the secrets as one list.
    expect(paths).toEqual(expect.arrayContaining(["config.network", "config.secrets"]));
    await changes.getByRole("cell", { name: "NETWORK_ACCESS_EGRESS", exact: true }).waitFor();
    await changes.getByRole("cell", { name: JSON.stringify([secret]), exact: true }).waitFor();

    await page.goto(`${web.url}/mcps/${mcp}?version=1`);
    await page.getByRole("heading", { level: 2, name: "Version 1" }).waitFor();
    expect(await page.getByTestId("version-network").textContent()).toBe("none: no network");
    expect(await page.getByTestId("version-secrets").textContent()).toBe("—");
  });
});
