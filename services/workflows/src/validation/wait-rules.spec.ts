import { create } from "@bufbuild/protobuf";
import { StepSchema, type Step } from "@mcp/proto/workflows";
import { validateSpec } from "./validate-spec.js";
import { found, fromInput, fromStep, literal, spec, step } from "./testing.js";

/** A step without an MCP (a sleep, wait or approval), with `init`. */
function waits(stepId: string, init: Parameters<typeof create<typeof StepSchema>>[1] = {}): Step {
  return create(StepSchema, { stepId, ...init });
}
const seconds = (s: number, nanos = 0) => ({ seconds: BigInt(s), nanos });

describe("validateSpec › sleep, wait_for_signal, approval", () => {
  it("accepts each kind without an MCP", () => {
    expect(
      found(
        spec(
          [
            step("a"),
            waits("nap", { sleep: { duration: seconds(0, 1_000_000) } }),
            waits("until_input", { sleep: { until: fromInput("at") } }),
            waits("until_step", { dependsOn: ["a"], sleep: { until: fromStep("a", "when") } }),
            waits("until_fixed", { sleep: { until: literal("2026-01-31T09:00:00+01:00") } }),
            waits("sig", { waitForSignal: { signal: "go.ahead-1_x", timeout: seconds(1) } }),
            waits("ok", { approval: { prompt: "Ship it?", timeout: seconds(366 * 86_400) } }),
          ],
          { inputs: [{ name: "at" }] },
        ),
      ),
    ).toEqual([]);
  });

  it("allows exactly one of mcp, sleep, wait_for_signal, approval, naming the step", () => {
    const both = step("x", { sleep: { duration: seconds(1) }, approval: { prompt: "p" } });
    const violations = validateSpec(spec([both]), { workflowName: undefined });
    expect(violations.map((v) => `${v.field} ${v.code}`)).toEqual([
      "spec.steps[0].sleep EXCLUSIVE_FIELDS",
      "spec.steps[0].approval EXCLUSIVE_FIELDS",
    ]);
    expect(violations[0]?.description).toContain('step "x" sets both mcp and sleep');
    expect(found(spec([waits("none")]))).toEqual(["spec.steps[0].mcp REQUIRED"]);
  });

  it("checks a sleep's duration or until", () => {
    expect(
      found(
        spec([
          waits("a", { sleep: {} }),
          waits("b", { sleep: { duration: seconds(1), until: literal("2026-01-31T09:00:00Z") } }),
          waits("c", { sleep: { duration: seconds(-1) } }),
          waits("d", { sleep: { duration: seconds(367 * 86_400) } }),
          waits("e", { sleep: { duration: seconds(0) } }),
          waits("f", { sleep: { until: literal("tomorrow") } }),
          waits("g", { sleep: { until: fromInput("nope") } }),
          waits("h", { sleep: { until: fromStep("zz", "t") } }),
        ]),
      ),
    ).toEqual([
      "spec.steps[0].sleep REQUIRED",
      "spec.steps[1].sleep.until EXCLUSIVE_FIELDS",
      "spec.steps[2].sleep.duration OUT_OF_RANGE",
      "spec.steps[3].sleep.duration OUT_OF_RANGE",
      "spec.steps[4].sleep.duration OUT_OF_RANGE",
      "spec.steps[5].sleep.until.static_value INVALID_FORMAT",
      "spec.steps[6].sleep.until.workflow_input UNDECLARED_WORKFLOW_INPUT",
      "spec.steps[7].sleep.until.step_output.step_id UNKNOWN_STEP",
    ]);
  });

  it("checks signal names, prompts and timeouts", () => {
    expect(
      found(
        spec([
          waits("a", { waitForSignal: { signal: "" } }),
          waits("b", { waitForSignal: { signal: "bad name!" } }),
          waits("c", { waitForSignal: { signal: "x".repeat(129) } }),
          waits("d", { waitForSignal: { signal: "ok", timeout: seconds(0, 999_000_000) } }),
          waits("e", { approval: { prompt: "" } }),
          waits("f", { approval: { prompt: "p".repeat(2001) } }),
          waits("g", { approval: { prompt: "p", timeout: seconds(367 * 86_400) } }),
        ]),
      ),
    ).toEqual([
      "spec.steps[0].wait_for_signal.signal REQUIRED",
      "spec.steps[1].wait_for_signal.signal INVALID_FORMAT",
      "spec.steps[2].wait_for_signal.signal INVALID_FORMAT",
      "spec.steps[3].wait_for_signal.timeout OUT_OF_RANGE",
      "spec.steps[4].approval.prompt REQUIRED",
      "spec.steps[5].approval.prompt TOO_LONG",
      "spec.steps[6].approval.timeout OUT_OF_RANGE",
    ]);
  });

  it("refuses inputs, retry and for_each on a waiting step", () => {
    expect(
      found(
        spec(
          [
            waits("a", {
              inputs: { x: fromInput("docs") },
              retry: { maxRetries: 1 },
              approval: { prompt: "p" },
            }),
            waits("b", {
              sleep: { duration: seconds(1) },
              forEach: { source: { case: "workflowInput", value: "docs" } },
            }),
          ],
          { inputs: [{ name: "docs" }] },
        ),
      ),
    ).toEqual([
      "spec.steps[0].inputs NOT_ALLOWED_ON_WAIT_STEP",
      "spec.steps[0].retry NOT_ALLOWED_ON_WAIT_STEP",
      "spec.steps[1].for_each FOR_EACH_NOT_ON_MCP_STEP",
    ]);
  });
});
