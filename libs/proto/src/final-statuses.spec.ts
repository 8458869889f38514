import { RunStatus, StepStatus } from "./gen/mcp/executor/v1/run_pb.js";
import { isFinalRunStatus, isFinalStepStatus } from "./final-statuses.js";

/** Every value of a protobuf-es enum object (its numeric members). */
const values = (e: Record<string, string | number>) =>
  Object.values(e).filter((v): v is number => typeof v === "number");

describe("final statuses", () => {
  it("classifies every RunStatus: a status added to run.proto must be placed here too", () => {
    const final = values(RunStatus).filter((s) => isFinalRunStatus(s));
    expect(final.map((s) => RunStatus[s]).sort()).toEqual(
      ["CANCELLED", "FAILED", "PARTIALLY_SUCCEEDED", "SUCCEEDED"].sort(),
    );
    expect(
      values(RunStatus)
        .map((s) => RunStatus[s])
        .sort(),
    ).toEqual(
      ["UNSPECIFIED", "PENDING", "RUNNING", "SUCCEEDED", "FAILED", "PARTIALLY_SUCCEEDED", "CANCELLED"].sort(),
    );
  });

  it("classifies every StepStatus: retrying and waiting steps have not ended", () => {
    const final = values(StepStatus).filter((s) => isFinalStepStatus(s));
    expect(final.map((s) => StepStatus[s]).sort()).toEqual(["CANCELLED", "FAILED", "SKIPPED", "SUCCEEDED"]);
    expect(values(StepStatus)).toHaveLength(9);
  });
});
