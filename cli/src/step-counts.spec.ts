import { StepStatus } from "@mcp/proto/executor";
import { stepCounts } from "./step-counts";

describe("stepCounts", () => {
  it("counts the steps by status, failures first", () => {
    expect(stepCounts([{ status: StepStatus.SUCCEEDED }, { status: StepStatus.FAILED }])).toBe(
      "1 failed, 1 succeeded of 2",
    );
    expect(stepCounts([{ status: StepStatus.SUCCEEDED }, { status: StepStatus.SUCCEEDED }])).toBe(
      "2 succeeded of 2",
    );
  });

  it("says - for a run without steps (as ListRuns answers)", () => {
    expect(stepCounts([])).toBe("-");
  });
});
