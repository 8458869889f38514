import { StepStatus } from "@mcp/proto/executor";
import { describe, expect, it } from "vitest";
import { stepCounts } from "./step-counts";

describe("stepCounts", () => {
  it("counts the steps by status, failures first", () => {
    expect(stepCounts([{ status: StepStatus.SUCCEEDED }, { status: StepStatus.FAILED }])).toBe(
      "1 failed, 1 succeeded of 2",
    );
    expect(stepCounts([{ status: StepStatus.RUNNING }, { status: StepStatus.PENDING }])).toBe(
      "1 running, 1 pending of 2",
    );
    expect(stepCounts([])).toBe("none yet");
  });
});
