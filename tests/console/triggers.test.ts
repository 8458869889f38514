/**
 * The console's Triggers page against a real platform with a SECRETS_KEY on the executor, in Chromium:
 * a trigger made through the API is listed from the main navigation with its workflow, webhook URL,
 * input mapping and rate limit (never its secret), and Delete (after confirming) deletes it: its
 * webhook then answers 404. Screenshot: `tests/artifacts/triggers-page.png`.
 */
import { randomBytes } from "node:crypto";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { TriggerService } from "@mcp/proto/executor";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { CONCAT_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { echoConcatSpec } from "../support/specs";

describe("web console › Triggers (Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;
  let triggers: Client<typeof TriggerService>;
  const flow = uniqueName("hooked");

  beforeAll(async () => {
    platform = await startPlatform({ executorEnv: { SECRETS_KEY: randomBytes(32).toString("base64") } });
    const echo = uniqueName("echo");
    const concat = uniqueName("concat");
    await platform.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await platform.clients.registry.createMcp({ name: concat, config: scriptConfig(CONCAT_SCRIPT) });
    await platform.clients.workflows.createWorkflow({ name: flow, spec: echoConcatSpec(echo, concat) });
    triggers = createClient(
      TriggerService,
      createGrpcTransport({ baseUrl: platform.executors[0]!.server.url }),
    );
    web = await startTestConsole(platform);
  });
  afterAll(async () => {
    await web?.stop();
    await platform?.stop();
  });

  it("lists a trigger without its secret and deletes it after a confirmation", async () => {
    const name = uniqueName("pr-opened");
    const created = await triggers.createTrigger({
      name,
      description: "GitHub pull requests",
      workflow: { workflow: { case: "name", value: flow } },
      inputPaths: { text: "pull_request.title" },
      ratePerMinute: 30,
      burst: 5,
    });
    const page = browser.page();
    await page.goto(`${web.url}/mcps`);
    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Triggers" }).click();
    await page.getByRole("heading", { level: 1, name: "Triggers" }).waitFor();
    const row = page.getByRole("table", { name: "Triggers" }).getByRole("row").filter({ hasText: name });
    await row.waitFor();
    await row.getByText(`POST ${platform.executors[0]!.server.url}/hooks/${name}`, { exact: true }).waitFor();
    await row.getByText("text ← pull_request.title", { exact: true }).waitFor();
    await row.getByText("30/min, 5 at once", { exact: true }).waitFor();
    await row.getByRole("link", { name: flow }).waitFor();
    expect(await page.content()).not.toContain(created.secret);
    await saveScreenshot(page, "triggers-page");

    await row.getByRole("button", { name: `Delete ${name}` }).click();
    const dialog = page.getByRole("dialog", { name: `Delete trigger ${name}?` });
    await dialog.getByRole("button", { name: "Delete trigger" }).click();
    await page
      .getByRole("status")
      .filter({ hasText: `Deleted trigger ${name}` })
      .waitFor();
    await expectCode(triggers.getTrigger({ name }), Code.NotFound);
    const res = await fetch(`${platform.executors[0]!.server.url}/hooks/${name}`, {
      method: "POST",
      body: "{}",
    });
    expect(res.status).toBe(404);
  });
});
