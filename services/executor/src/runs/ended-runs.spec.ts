import type { RunWithSteps, WorkflowRunEntity } from "@mcp/db";
import { EndedRuns } from "./ended-runs.js";

const ended = (id: string): RunWithSteps => ({ run: { id } as WorkflowRunEntity, steps: [] });

describe("EndedRuns", () => {
  it("keeps a run's end only while a caller waits for it, for as long as any of its callers does", () => {
    const runs = new EndedRuns();
    runs.deliver("r", ended("r"));
    expect(runs.ended("r")).toBeUndefined();
    const first = runs.expect("r");
    const second = runs.expect("r");
    expect(runs.expected("r")).toBe(true);
    runs.deliver("r", ended("r"));
    first();
    first();
    expect(runs.ended("r")).toEqual(ended("r"));
    second();
    expect(runs.expected("r")).toBe(false);
    expect(runs.ended("r")).toBeUndefined();
  });
});
