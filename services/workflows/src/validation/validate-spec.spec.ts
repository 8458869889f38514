import { ExecutionMode } from "@mcp/proto/workflows";
import { fromInput, fromStep, literal, spec, step, found } from "./testing.js";
import { validateSpec } from "./validate-spec.js";

describe("validateSpec", () => {
  it("accepts a complete valid spec", () => {
    const subject = spec(
      [
        step("fetch", { inputs: { url: fromInput("url") } }),
        step("summarize", {
          dependsOn: ["fetch"],
          inputs: { text: fromStep("fetch", "body"), style: literal("short") },
        }),
      ],
      {
        inputs: [{ name: "url", required: true }],
        outputs: [{ name: "summary", stepId: "summarize", output: "text" }],
        executionMode: ExecutionMode.PARALLEL,
        maxParallelism: 4,
        timeoutSeconds: 600,
      },
    );
    expect(validateSpec(subject, { workflowName: "digest" })).toEqual([]);
  });

  it("returns EMPTY_WORKFLOW for a spec without steps", () => {
    expect(found(spec([]))).toEqual(["spec.steps EMPTY_WORKFLOW"]);
  });

  it("returns every violation at once, in field order", () => {
    const subject = spec(
      [step("a", { dependsOn: ["ghost"] }), step("a", { inputs: { x: fromInput("nope") } })],
      {
        inputs: [{ name: "1bad" }],
        maxParallelism: 0,
        outputs: [{ name: "out", stepId: "missing" }],
      },
    );
    expect(found(subject)).toEqual([
      "spec.inputs[0].name INVALID_FORMAT",
      "spec.steps[0].depends_on[0] UNKNOWN_DEPENDENCY",
      "spec.steps[1].step_id DUPLICATE_STEP_ID",
      'spec.steps[1].inputs["x"].workflow_input UNDECLARED_WORKFLOW_INPUT',
      "spec.outputs[0].step_id UNKNOWN_STEP",
      "spec.max_parallelism OUT_OF_RANGE",
    ]);
  });

  it("orders a step's violations by field number whichever rule found them (a cycle's depends_on before its inputs)", () => {
    const subject = spec([
      step("a", { dependsOn: ["b"], inputs: { x: fromInput("nope") } }),
      step("b", { dependsOn: ["a"] }),
    ]);
    expect(found(subject)).toEqual([
      "spec.steps[0].depends_on[0] CYCLE",
      'spec.steps[0].inputs["x"].workflow_input UNDECLARED_WORKFLOW_INPUT',
    ]);
  });

  it("gives every violation a description for people", () => {
    const violations = validateSpec(spec([step("")]), { workflowName: undefined });
    expect(violations).toEqual([
      { field: "spec.steps[0].step_id", code: "REQUIRED", description: "a step id is required" },
    ]);
  });
});
