/**
 * The console's run page for a run whose steps wait (issue 16), in Chromium against a real platform: a
 * parked approval step shows its prompt with Approve / Reject; approving with a comment through the UI
 * resumes the run, recorded with who decided; the workflow's DAG marks the waiting steps. Screenshot:
 * `tests/artifacts/waiting-run.png`.
 */
import { RunStatus, StepStatus } from "@mcp/proto/executor";
import { saveScreenshot, startTestConsole, useBrowser, type TestConsole } from "../support/browser";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { waitFor } from "../support/wait-for";

describe("web console › waiting steps (Chromium, a real platform)", () => {
  const browser = useBrowser();
  let platform: TestPlatform;
  let web: TestConsole;

  beforeAll(async () => {
    platform = await startPlatform({ executorEnv: { EXECUTOR_POLL_MS: "200" } });
    web = await startTestConsole(platform);
  }, 240_000);
  afterAll(async () => {
    await web?.stop();
    await platform?.stop();
  });

  it("shows what a parked step waits for and approves it with a comment; the DAG marks waiting steps", async () => {
    const name = uniqueName("approve-me");
    await platform.clients.workflows.createWorkflow({
      name,
      spec: {
        steps: [
          { stepId: "nap", sleep: { duration: { seconds: 0n, nanos: 1_000_000 } } },
          { stepId: "review", dependsOn: ["nap"], approval: { prompt: "Publish the quarterly report?" } },
        ],
      },
    });
    const { run } = await platform.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: name } },
    });
    const runId = run!.id;
    await waitFor("the approval step WAITING", async () => {
      const { run: now } = await platform.clients.executor.getRun({ id: runId });
      return now?.steps.find((s) => s.stepId === "review")?.status === StepStatus.WAITING ? true : undefined;
    });

    const page = browser.page();
    await page.goto(`${web.url}/runs/${runId}`);
    const waiting = page.getByRole("region", { name: "Waiting" });
    const review = waiting.getByTestId("waiting-review");
    await review.getByText("waits for approval: Publish the quarterly report?").waitFor();
    await saveScreenshot(page, "waiting-run");
    await review.getByLabel("Comment on review").fill("numbers checked");
    await review.getByRole("button", { name: "Approve" }).click();
    await page.getByTestId("run-status").filter({ hasText: "SUCCEEDED" }).waitFor({ timeout: 45_000 });

    const { run: done } = await platform.clients.executor.getRun({ id: runId });
    expect(done?.status).toBe(RunStatus.SUCCEEDED);
    expect(done?.steps.find((s) => s.stepId === "review")?.outputs).toEqual({
      approved: true,
      decided_by: "anonymous",
      comment: "numbers checked",
    });

    await page.goto(`${web.url}/workflows/${encodeURIComponent(name)}`);
    const dag = page.getByTestId("dag");
    await dag.waitFor();
    expect(await dag.locator(".dag-node.wait-step").count()).toBe(2);
    await dag.locator('[data-step="nap"]').getByText("sleep 1ms").waitFor();
  });
});
