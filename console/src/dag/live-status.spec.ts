import { RunStatus, StepStatus } from "@mcp/proto/executor";
import { describe, expect, it } from "vitest";
import { run, step } from "../test/builders";
import { liveNodeStatus } from "./live-status";

describe("liveNodeStatus", () => {
  it("gives each top-level step its tone and status, a for_each step its items done/total", () => {
    const fan = { ...step("fan", StepStatus.RUNNING), itemCount: 4 };
    const r = run(RunStatus.RUNNING, [
      step("fetch", StepStatus.SUCCEEDED),
      fan,
      { ...step("fan[0]", StepStatus.SUCCEEDED, { parent: "fan" }), itemIndex: 0 },
      { ...step("fan[1]", StepStatus.FAILED, { parent: "fan" }), itemIndex: 1 },
      { ...step("fan[2]", StepStatus.RUNNING, { parent: "fan" }), itemIndex: 2 },
    ]);
    const status = liveNodeStatus(r);
    expect([...status.keys()]).toEqual(["fetch", "fan"]);
    expect(status.get("fetch")).toEqual({ tone: "ok", label: "SUCCEEDED" });
    expect(status.get("fan")).toEqual({ tone: "busy", label: "RUNNING", progress: "2/4" });
  });
});
