/**
 * The console's Re-run buttons (issue 17), in Chromium against a real platform: "Re-run from here" on
 * the failed step of a run, with its MCP re-resolved to `production` after the fix, opens the new run,
 * which says what it re-runs and marks the step it reused; "Re-run" re-runs every step. Side-effect
 * counts prove what ran. Screenshot: `tests/artifacts/rerun.png`.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { RunStatus } from "@mcp/proto/executor";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { sharedScratch } from "../support/scratch";
import { scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

/** Appends a line to the file named by input `counter`; fails unless `ok`. */
const countingScript = (ok: boolean) => `import json, sys
data = json.load(open(sys.argv[1]))
with open(data["counter"], "a") as f:
    f.write("x\\n")
json.dump({"success": ${ok ? "True" : "False"}, "result": {"ok": True}, "error": ${ok ? "None" : '"broken until fixed"'}}, open(sys.argv[2], "w"))
`;

const text = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});

describe("web console › re-run (Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;
  let dir: string;

  beforeAll(async () => {
    dir = sharedScratch("mcp-console-rerun-");
    platform = await startPlatform({ executorEnv: { SANDBOX_WRITE_PATHS: dir } });
    web = await startTestConsole(platform);
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
    await platform?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const count = (step: string) => {
    const file = join(dir, `${step}.txt`);
    return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter(Boolean).length : 0;
  };
  const runIdOf = (url: string) => /\/runs\/([0-9a-f-]{36})/.exec(url)?.[1] ?? "";

  it("re-runs from the failed step with the fixed version, then the whole run", async () => {
    const steady = uniqueName("steady");
    const fragile = uniqueName("fragile");
    await platform.clients.registry.createMcp({
      name: steady,
      config: scriptConfig(countingScript(true), 60),
    });
    await platform.clients.registry.createMcp({
      name: fragile,
      config: scriptConfig(countingScript(false), 60),
    });
    const name = uniqueName("rerun-me");
    await platform.clients.workflows.createWorkflow({
      name,
      spec: {
        steps: [
          {
            stepId: "fetch",
            mcp: { mcp: { case: "name", value: steady } },
            inputs: { counter: text(join(dir, "fetch.txt")) },
          },
          {
            stepId: "parse",
            dependsOn: ["fetch"],
            mcp: { mcp: { case: "name", value: fragile } },
            inputs: { counter: text(join(dir, "parse.txt")) },
          },
        ],
      },
    });
    const { run } = await platform.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: name } },
      wait: true,
      waitTimeoutSeconds: 120,
    });
    expect(RunStatus[run!.status]).toBe("FAILED");
    expect([count("fetch"), count("parse")]).toEqual([1, 1]);
    // the fix, labelled production
    await platform.clients.registry.updateMcp({
      mcp: { case: "name", value: fragile },
      config: scriptConfig(countingScript(true), 60),
    });
    await platform.clients.registry.setMcpLabel({
      mcp: { case: "name", value: fragile },
      label: "production",
      version: 2,
    });

    const page = browser.page();
    await page.goto(`${web.url}/runs/${run!.id}`);
    await page.getByTestId("run-status").filter({ hasText: "FAILED" }).waitFor();
    const timeline = page.getByTestId("timeline");
    await timeline.locator('[data-step="parse"]').getByRole("button", { name: "Re-run from here" }).click();
    const dialog = page.getByRole("dialog", { name: "Re-run from step parse?" });
    await dialog.getByRole("checkbox").check();
    await dialog.getByRole("button", { name: "Re-run" }).click();
    await page.waitForURL((url) => runIdOf(url.toString()) !== "" && runIdOf(url.toString()) !== run!.id);
    const rerunId = runIdOf(page.url());
    await page.getByTestId("run-status").filter({ hasText: "SUCCEEDED" }).waitFor();
    await page.getByTestId("rerun-of").filter({ hasText: "from step parse; reused: fetch" }).waitFor();
    await timeline.locator('[data-step="fetch"]').getByText("reused").waitFor();
    expect(await timeline.locator('[data-step="parse"]').getByText("reused").count()).toBe(0);
    await saveScreenshot(page, "rerun");
    expect([count("fetch"), count("parse")]).toEqual([1, 2]);
    const { run: rerun } = await platform.clients.executor.getRun({ id: rerunId });
    expect([rerun?.rerunOfRunId, rerun?.steps.find((s) => s.stepId === "parse")?.mcpVersion]).toEqual([
      run!.id,
      2,
    ]);

    await page.getByRole("button", { name: "Re-run", exact: true }).click();
    await page
      .getByRole("dialog", { name: "Re-run this run?" })
      .getByRole("button", { name: "Re-run" })
      .click();
    await page.waitForURL((url) => ![run!.id, rerunId, ""].includes(runIdOf(url.toString())));
    await page.getByTestId("run-status").filter({ hasText: "SUCCEEDED" }).waitFor();
    await page.getByTestId("rerun-of").filter({ hasText: "every step" }).waitFor();
    await waitFor("every step ran again", async () =>
      count("fetch") === 2 && count("parse") === 3 ? true : undefined,
    );
  });
});
