/**
 * Accessibility: an axe-core scan (`@axe-core/playwright`, WCAG 2.x A and AA rules) of every page of
 * the console in Chromium, against a real platform with data on every page (MCPs with two versions,
 * a workflow, a running and a finished run, a schedule, a secret, a trigger). A serious or critical
 * violation fails the test, naming the rule, its help and the elements.
 */
import { randomBytes } from "node:crypto";
import AxeBuilder from "@axe-core/playwright";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RunStatus, SecretService, TriggerService } from "@mcp/proto/executor";
import type { Page } from "playwright-core";
import { uniqueName } from "../support/mcps";
import { startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { startPlatform, type TestPlatform } from "../support/platform";
import { oneStepWorkflow, scheduleClient } from "../support/schedules";
import { ECHO_SCRIPT, SLEEP_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

const BLOCKING = new Set(["serious", "critical"]);

/** The serious and critical violations on the page as it is now, one line each. */
async function violations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page })
    .withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"])
    .analyze();
  return result.violations
    .filter((v) => BLOCKING.has(v.impact ?? ""))
    .map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

describe("web console › accessibility (axe-core, every page)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;
  const echo = uniqueName("a11y-echo");
  let flow = "";
  let schedule = "";
  let finishedRun = "";
  let runningRun = "";

  beforeAll(async () => {
    platform = await startPlatform({ executorEnv: { SECRETS_KEY: randomBytes(32).toString("base64") } });
    web = await startTestConsole(platform);
    const { registry, executor } = platform.clients;
    await registry.createMcp({ name: echo, tags: ["a11y"], config: scriptConfig(ECHO_SCRIPT, 30) });
    await registry.updateMcp({ mcp: { case: "name", value: echo }, config: scriptConfig(ECHO_SCRIPT, 40) });
    await registry.setMcpLabel({ mcp: { case: "name", value: echo }, label: "production", version: 1 });
    flow = await oneStepWorkflow(platform, "echo");
    const finished = await executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: flow } },
      inputs: { text: "hi" },
      wait: true,
    });
    finishedRun = finished.run!.id;
    const nap = uniqueName("a11y-nap");
    await registry.createMcp({ name: nap, config: scriptConfig(SLEEP_SCRIPT, 3600) });
    const running = await executor.runMcp({
      mcp: { mcp: { case: "name", value: nap } },
      inputs: { seconds: 3000 },
    });
    runningRun = running.run!.id;
    const url = platform.executors[0]!.server.url;
    schedule = uniqueName("a11y-sched");
    await scheduleClient(url).createSchedule({
      name: schedule,
      spec: {
        workflow: { workflow: { case: "name", value: flow } },
        inputs: { text: "hello" },
        cron: "0 0 1 1 *",
      },
    });
    const transport = createGrpcTransport({ baseUrl: url });
    await createClient(SecretService, transport).putSecret({
      name: "A11Y_TOKEN",
      value: "v",
      description: "d",
    });
    await createClient(TriggerService, transport).createTrigger({
      name: uniqueName("a11y-hook"),
      workflow: { workflow: { case: "name", value: flow } },
      inputPaths: { text: "title" },
    });
    await waitFor("the running run to run", async () =>
      (await executor.getRun({ id: runningRun })).run?.status === RunStatus.RUNNING ? true : undefined,
    );
  }, 240_000);
  afterAll(async () => {
    if (runningRun) await platform?.clients.executor.cancelRun({ id: runningRun }).catch(() => undefined);
    await web?.stop();
    await platform?.stop();
  });

  /** Each page: its name, its path, and what shows that it has loaded. */
  const pages: [string, () => string, (page: Page) => Promise<unknown>][] = [
    ["dashboard", () => "/", (p) => p.getByRole("heading", { name: "Dashboard" }).waitFor()],
    ["MCP list", () => "/mcps", (p) => p.getByRole("link", { name: echo }).waitFor()],
    [
      "MCP list, faceted",
      () => "/mcps?type=python_script&label=production",
      (p) => p.getByRole("link", { name: echo }).waitFor(),
    ],
    ["MCP page (used by)", () => `/mcps/${echo}`, (p) => p.getByText("No workflow uses this MCP.").waitFor()],
    [
      "version diff",
      () => `/mcps/${echo}?from=1&to=2`,
      (p) => p.getByRole("heading", { name: "Compare versions" }).waitFor(),
    ],
    ["new MCP", () => "/mcps/new", (p) => p.getByRole("heading", { name: "New MCP" }).waitFor()],
    ["workflow list", () => "/workflows", (p) => p.getByRole("link", { name: flow }).waitFor()],
    ["workflow page", () => `/workflows/${flow}`, (p) => p.getByRole("heading", { name: flow }).waitFor()],
    [
      "new workflow (editor)",
      () => "/workflows/new",
      (p) => p.getByRole("heading", { name: "New workflow" }).waitFor(),
    ],
    ["run list", () => "/runs", (p) => p.getByRole("table", { name: "Runs" }).waitFor()],
    ["running run", () => `/runs/${runningRun}`, (p) => p.getByText("RUNNING").first().waitFor()],
    ["finished run", () => `/runs/${finishedRun}`, (p) => p.getByText("SUCCEEDED").first().waitFor()],
    ["schedules", () => "/schedules", (p) => p.getByRole("link", { name: schedule }).waitFor()],
    [
      "schedule page",
      () => `/schedules/${schedule}`,
      (p) => p.getByRole("heading", { name: schedule }).waitFor(),
    ],
    ["secrets", () => "/secrets", (p) => p.getByText("A11Y_TOKEN").first().waitFor()],
    ["triggers", () => "/triggers", (p) => p.getByRole("heading", { name: "Triggers" }).waitFor()],
    ["not found", () => "/nowhere", (p) => p.getByRole("heading", { name: "Page not found" }).waitFor()],
  ];

  it.each(pages)(
    "%s: no serious or critical violation",
    async (_name, path, loaded) => {
      const page = browser.page();
      await page.goto(`${web.url}${path()}`);
      await loaded(page);
      expect(await violations(page)).toEqual([]);
    },
    90_000,
  );

  it("settings dialog (API key): no serious or critical violation", async () => {
    const page = browser.page();
    await page.goto(web.url);
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("dialog").waitFor();
    expect(await violations(page)).toEqual([]);
  }, 90_000);
});
