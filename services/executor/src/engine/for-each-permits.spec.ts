import { create } from "@bufbuild/protobuf";
import { ErrorStrategy, ForEachSchema, StepInputSchema, type Step } from "@mcp/proto/workflows";
import { StepFailure, type JsonValue, type StepContext } from "../step/index.js";
import { MemoryPermits, plan, result, spec, startRun, step, type RunSetup } from "./testing/index.js";
import type { RecordedStep } from "./types.js";

/** A step `each` over workflow input `list`, `concurrency` items at once, its MCP limited to `limit`. */
function limitedRun(list: JsonValue[], limit: number, setup: RunSetup & { concurrency?: number } = {}) {
  const each: Step = step("each", {
    inputs: { value: create(StepInputSchema, { source: { case: "item", value: "" } }) },
  });
  each.forEach = create(ForEachSchema, {
    source: { case: "workflowInput", value: "list" },
    maxConcurrency: setup.concurrency ?? 4,
  });
  const p = plan(
    spec({ steps: [each], inputs: [{ name: "list" }], errorHandling: { strategy: ErrorStrategy.CONTINUE } }),
    { list },
  );
  const mcp = p.mcps.get("each");
  if (mcp) mcp.config.maxConcurrency = limit;
  return startRun(p, setup);
}

const echo = (context: StepContext) => result({ value: context.inputs["value"] ?? null });

describe("runPlan › for_each items of an MCP with max_concurrency", () => {
  it("runs every item in one drive when the permits are its own, never more than the limit at once", async () => {
    const permits = new MemoryPermits(2);
    const run = limitedRun(["a", "b", "c", "d", "e", "f"], 2, { permits });
    for (let i = 0; i < 6; i++) run.runners.on(`each[${i}]`, echo);

    const outcome = await run.outcome;
    expect(outcome.status).toBe("succeeded");
    expect(run.runners.peak).toBeLessThanOrEqual(2);
    expect(permits.maxHeld).toBe(2);
    expect(permits.held.size).toBe(0);
    expect(permits.queue).toEqual([]);
    // items queued behind the step's own running items waited in process: no park
    expect(permits.log.filter((l) => l.startsWith("await"))).toEqual([]);
    expect(run.runners.started().sort()).toEqual([0, 1, 2, 3, 4, 5].map((i) => `each[${i}]#1`));
  });

  it("parks the step when no item can run (every permit held elsewhere): items WAITING, nothing run", async () => {
    const permits = new MemoryPermits(1);
    permits.occupy("other-run:work");
    const run = limitedRun(["a", "b", "c"], 1, { permits, concurrency: 2 });

    const parked = await run.result;
    expect(parked).toMatchObject({ status: "parked" });
    expect(parked.status === "parked" && parked.wakeAt instanceof Date).toBe(true);
    expect(run.runners.started()).toEqual([]);
    // two workers: two items hold a place in the queue; the third was never asked for
    expect(permits.queue).toEqual(["each[0]", "each[1]"]);
    expect(permits.log).toContain("await each#1");
    expect(run.recorder.lines().filter((l) => l.startsWith("item"))).toEqual([
      "item waiting each[0]#0",
      "item waiting each[1]#0",
    ]);
  });

  it("woken, goes on from where it parked: succeeded and failed items keep their ends, waiting ones ask again in their place", async () => {
    const permits = new MemoryPermits(1);
    permits.queue.push("each[1]", "each[2]");
    const recorded: RecordedStep[] = [
      {
        stepId: "each",
        status: "waiting",
        attempt: 1,
        outputs: null,
        items: [
          { index: 0, status: "succeeded", attempt: 1, outputs: { value: "a" } },
          { index: 1, status: "pending", attempt: 0, outputs: null },
          { index: 2, status: "pending", attempt: 0, outputs: null },
          {
            index: 3,
            status: "failed",
            attempt: 1,
            outputs: null,
            error: { code: "SCRIPT_ERROR", message: "boom" },
          },
        ],
      },
    ];
    const run = limitedRun(["a", "b", "c", "d"], 1, { permits, recorded });
    for (let i = 0; i < 4; i++) run.runners.on(`each[${i}]`, echo);

    const outcome = await run.outcome;
    // CONTINUE: the item that failed before the park stays failed, not run again
    expect(outcome.status).toBe("partially_succeeded");
    expect(run.runners.started()).toEqual(["each[1]#1", "each[2]#1"]);
    expect(permits.maxHeld).toBe(1);
    const started = run.recorder.calls.find((c) => c.method === "forEachStarted");
    expect(started).toMatchObject({ attempt: 1, resumed: true });
    const succeeded = run.recorder.calls.find((c) => c.method === "stepSucceeded");
    expect(succeeded).toMatchObject({
      result: { outputs: { items: [{ value: "a" }, { value: "b" }, { value: "c" }, null] } },
    });
  });

  it("a stopped step takes its items still queued out of the queue", async () => {
    const permits = new MemoryPermits(2);
    permits.occupy("other-run:work");
    const each: Step = step("each", {
      inputs: { value: create(StepInputSchema, { source: { case: "item", value: "" } }) },
    });
    each.forEach = create(ForEachSchema, {
      source: { case: "workflowInput", value: "list" },
      maxConcurrency: 3,
    });
    const p = plan(spec({ steps: [each], inputs: [{ name: "list" }] }), { list: ["a", "b", "c"] });
    const mcp = p.mcps.get("each");
    if (mcp) mcp.config.maxConcurrency = 2;
    const run = startRun(p, { permits });
    // the one item that runs fails (STOP): the items waiting in process behind it never run
    run.runners.on("each[0]", () => {
      throw new StepFailure("SCRIPT_REPORTED_FAILURE", "boom");
    });

    const outcome = await run.outcome;
    expect(outcome.status).toBe("failed");
    expect(outcome.error).toMatchObject({ code: "SCRIPT_REPORTED_FAILURE", stepId: "each" });
    expect(run.runners.started()).toEqual(["each[0]#1"]);
    expect(permits.queue).toEqual([]);
    expect(permits.log.at(-1)).toBe("withdraw each[1],each[2]");
  });
});
