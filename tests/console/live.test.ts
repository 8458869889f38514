/**
 * The dashboard and the live run page (issue 19), in Chromium against a real platform: the home page
 * shows the dashboard (runs per hour, workflows, failures); a workflow whose first step prints lines
 * and then waits runs while the page watches: its graph shows the step running, a click on it opens
 * its live output, which shows the lines while the step still runs; when the step is let go the
 * graph turns green. Screenshots: `tests/artifacts/dashboard.png`, `run-live-log.png`,
 * `run-graph-done.png`.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { StepStatus } from "@mcp/proto/executor";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { gatedScript } from "../support/gated-script";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { sharedScratch } from "../support/scratch";
import { ECHO_SCRIPT, FAIL_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

const text = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});

describe("web console › dashboard and live run graph (Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;
  let dir: string;

  beforeAll(async () => {
    dir = sharedScratch("mcp-console-live-");
    platform = await startPlatform({ executorEnv: { SANDBOX_WRITE_PATHS: dir } });
    web = await startTestConsole(platform);
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("opens on the dashboard: runs per hour, the workflows' figures and recent failures, linked", async () => {
    const ok = uniqueName("echo");
    const broken = uniqueName("broken");
    await platform.clients.registry.createMcp({ name: ok, config: scriptConfig(ECHO_SCRIPT, 60) });
    await platform.clients.registry.createMcp({ name: broken, config: scriptConfig(FAIL_SCRIPT, 60) });
    const flow = uniqueName("daily");
    await platform.clients.workflows.createWorkflow({
      name: flow,
      spec: {
        steps: [{ stepId: "echo", mcp: { mcp: { case: "name", value: ok } }, inputs: { text: text("hi") } }],
      },
    });
    for (let i = 0; i < 2; i++)
      await platform.clients.executor.executeWorkflow({
        workflow: { workflow: { case: "name", value: flow } },
        wait: true,
      });
    const { run: failed } = await platform.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: broken } },
      wait: true,
    });

    const page = browser.page();
    await page.goto(web.url);
    await page.getByRole("heading", { name: "Dashboard" }).waitFor();
    await page.getByTestId("runs-24h").filter({ hasText: "3" }).waitFor();
    await page.getByTestId("failed-24h").filter({ hasText: "1" }).waitFor();
    await page.getByTestId("hourly-chart").waitFor();
    const row = page.getByTestId("workflow-stats").getByRole("row").filter({ hasText: flow });
    await row.waitFor();
    expect(await row.getByRole("cell").nth(1).textContent()).toBe("2");
    expect(await row.getByRole("cell").nth(3).textContent()).toBe("0.0 %");
    const failure = page.getByTestId("recent-failures").getByRole("link", { name: new RegExp(broken) });
    await failure.waitFor();
    await saveScreenshot(page, "dashboard");
    await failure.click();
    await page.waitForURL(`${web.url}/runs/${failed!.id}`);
    // the MCP list has its own address
    await page.getByRole("link", { name: "MCPs" }).click();
    await page.waitForURL(`${web.url}/mcps`);
  });

  it("colours the run's graph live and shows a running step's output as it is written", async () => {
    const slow = uniqueName("slow-printer");
    const echo = uniqueName("echo");
    await platform.clients.registry.createMcp({ name: slow, config: scriptConfig(gatedScript(3), 120) });
    await platform.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT, 60) });
    const flow = uniqueName("live");
    const gate = join(dir, `${flow}.gate`);
    await platform.clients.workflows.createWorkflow({
      name: flow,
      spec: {
        steps: [
          { stepId: "print", mcp: { mcp: { case: "name", value: slow } }, inputs: { gate: text(gate) } },
          {
            stepId: "after",
            dependsOn: ["print"],
            mcp: { mcp: { case: "name", value: echo } },
            inputs: { text: text("done") },
          },
        ],
      },
    });
    const { run } = await platform.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: flow } },
    });

    const page = browser.page();
    await page.goto(`${web.url}/runs/${run!.id}`);
    const graph = page.getByTestId("dag");
    const node = (step: string) => graph.locator(`[data-step="${step}"]`);
    await graph.locator('[data-step="print"][data-status="RUNNING"]').waitFor({ timeout: 60_000 });
    expect(await node("after").getAttribute("data-status")).toBe("PENDING");
    await node("print").click();
    const stdout = page.getByTestId("live-stdout");
    await stdout.filter({ hasText: "line 3 of 3" }).waitFor({ timeout: 30_000 });
    // the step is still running: it waits for its gate
    const now = (await platform.clients.executor.getRun({ id: run!.id })).run!;
    expect(now.steps.find((s) => s.stepId === "print")?.status).toBe(StepStatus.RUNNING);
    expect(await stdout.textContent()).toBe("line 1 of 3\nline 2 of 3\nline 3 of 3\n");
    await saveScreenshot(page, "run-live-log");

    writeFileSync(gate, "");
    await graph
      .locator('[data-step="print"][data-status="SUCCEEDED"].tone-node-ok')
      .waitFor({ timeout: 60_000 });
    await graph
      .locator('[data-step="after"][data-status="SUCCEEDED"].tone-node-ok')
      .waitFor({ timeout: 60_000 });
    await page.getByTestId("run-status").filter({ hasText: "SUCCEEDED" }).waitFor();
    // the record takes over from the live log once the step ended
    await page.getByLabel("stdout of print", { exact: true }).filter({ hasText: "gate opened" }).waitFor();
    await saveScreenshot(page, "run-graph-done");
    await waitFor("the timeline to stay", async () =>
      (await page.getByTestId("timeline").count()) === 1 ? true : undefined,
    );
  });
});
