import { uniqueName } from "../support/mcps";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { startPlatform, type TestPlatform } from "../support/platform";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

/** What a Connect unary call made with the page's own `fetch` came back as. */
interface BrowserReply {
  status: number;
  contentType: string | null;
  body: unknown;
  origin: string;
}

describe("web console › serving (Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;

  beforeAll(async () => {
    platform = await startPlatform();
    web = await startTestConsole(platform);
  }, 240_000);

  afterAll(async () => {
    await web?.stop();
    await platform?.stop();
  });

  /** A Connect JSON call from inside the page (so from the console's origin, under the browser's CORS rules). */
  const callFromPage = (url: string, body: unknown) =>
    browser.page().evaluate(
      async ({ url, body }): Promise<BrowserReply> => {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(body),
        });
        return {
          status: res.status,
          contentType: res.headers.get("content-type"),
          body: await res.json(),
          // Runs in the page; the tests are type-checked without the DOM library.
          origin: (globalThis as unknown as { location: { origin: string } }).location.origin,
        };
      },
      { url, body },
    );

  it("serves the app and a /config.json pointing the browser at the platform's services", async () => {
    const page = browser.page();
    const response = await page.goto(web.url);
    expect(response?.status()).toBe(200);
    expect(response?.headers()["content-type"]).toBe("text/html;charset=utf-8");
    expect(response?.headers()["cache-control"]).toBe("no-cache");

    const config = await page.evaluate(async () => {
      const res = await fetch("/config.json");
      return {
        status: res.status,
        type: res.headers.get("content-type"),
        body: await res.json(),
      };
    });
    expect(config).toEqual({
      status: 200,
      type: "application/json; charset=utf-8",
      body: {
        registryUrl: platform.registry.url,
        workflowsUrl: platform.workflows.server.url,
        executorUrl: platform.executors[0]!.server.url,
      },
    });

    // The app itself starts: its header renders (everything else is the UI tests' business).
    await page.getByRole("banner").first().waitFor({ state: "visible" });
    await saveScreenshot(page, "console-serving-home");
  });

  it("serves index.html for a client-side route, so a reload on a deep link works", async () => {
    const page = browser.page();
    const response = await page.goto(`${web.url}/mcps/some-mcp`);
    expect(response?.status()).toBe(200);
    expect(await response?.text()).toContain('<div id="root">');
  });

  it("calls the registry from the console's origin: CORS lets the browser read the answer", async () => {
    const name = uniqueName("browser");
    await platform.clients.registry.createMcp({ name, config: scriptConfig(ECHO_SCRIPT) });
    await browser.page().goto(web.url);

    const reply = await callFromPage(
      `${web.config.registryUrl}/mcp.registry.v1.RegistryService/ListMcps`,
      {},
    );
    expect(reply.origin).toBe(web.url);
    expect(new URL(web.config.registryUrl).origin).not.toBe(reply.origin); // really cross-origin
    expect(reply.status).toBe(200);
    expect(reply.contentType).toBe("application/json");
    const mcps = (reply.body as { mcps?: { name: string }[] }).mcps ?? [];
    expect(mcps.map((m) => m.name)).toContain(name);
  });

  it("hands an API error to the browser intact: GetMcp of a missing name is a Connect not_found", async () => {
    await browser.page().goto(web.url);
    const missing = uniqueName("missing");
    const reply = await callFromPage(`${web.config.registryUrl}/mcp.registry.v1.RegistryService/GetMcp`, {
      name: missing,
    });
    expect(reply.status).toBe(404);
    expect(reply.contentType).toBe("application/json");
    expect(reply.body).toEqual(
      expect.objectContaining({ code: "not_found", message: expect.stringContaining(missing) as unknown }),
    );
  });

  it("reaches the workflows and executor services from the page too", async () => {
    await browser.page().goto(web.url);
    const workflows = await callFromPage(
      `${web.config.workflowsUrl}/mcp.workflows.v1.WorkflowService/ListWorkflows`,
      {},
    );
    expect(workflows.status).toBe(200);
    const runs = await callFromPage(`${web.config.executorUrl}/mcp.executor.v1.ExecutorService/ListRuns`, {});
    expect(runs.status).toBe(200);
  });
});
