import { fieldRank, inFieldOrder } from "./field-order.js";
import { fromInput, fromStep, spec, step } from "./testing.js";
import { violation, type SpecViolation } from "./violation.js";

describe("inFieldOrder", () => {
  const subject = spec(
    [step("a", { inputs: { zeta: fromInput("x"), alpha: fromStep("b") } }), step("b", { dependsOn: ["a"] })],
    { outputs: [{ name: "out", stepId: "a" }] },
  );
  const at = (field: string): SpecViolation => violation(field, "REQUIRED", field);
  const order = (fields: string[]) => inFieldOrder(subject, fields.map(at)).map((v) => v.field);

  it("orders a step's fields by field number, whichever check found them", () => {
    expect(
      order([
        "spec.steps[0].retry.max_retries", // 7
        'spec.steps[0].inputs["zeta"].workflow_input', // 5
        "spec.steps[0].depends_on[0]", // 4
        "spec.steps[0].mcp", // 3
        "spec.steps[0].step_id", // 1
        "spec.steps[0].on_error", // 8
      ]),
    ).toEqual([
      "spec.steps[0].step_id",
      "spec.steps[0].mcp",
      "spec.steps[0].depends_on[0]",
      'spec.steps[0].inputs["zeta"].workflow_input',
      "spec.steps[0].retry.max_retries",
      "spec.steps[0].on_error",
    ]);
  });

  it("orders steps by index and the spec's fields by number (inputs, steps, mode, error handling, outputs, ...)", () => {
    expect(
      order([
        "spec.timeout_seconds",
        "spec.outputs[0].step_id",
        "spec.error_handling.fallback_workflow",
        "spec.steps[1].mcp",
        "spec.steps[0].depends_on[0]",
        "spec.inputs[0].name",
      ]),
    ).toEqual([
      "spec.inputs[0].name",
      "spec.steps[0].depends_on[0]",
      "spec.steps[1].mcp",
      "spec.error_handling.fallback_workflow",
      "spec.outputs[0].step_id",
      "spec.timeout_seconds",
    ]);
  });

  it("orders map entries as the request gave them, and a field before the fields inside it", () => {
    expect(
      order([
        'spec.steps[0].inputs["alpha"].step_output.step_id',
        'spec.steps[0].inputs["zeta"]',
        "spec.steps[0].inputs",
        "spec.steps[0]",
        "spec.steps",
      ]),
    ).toEqual([
      "spec.steps",
      "spec.steps[0]",
      "spec.steps[0].inputs",
      'spec.steps[0].inputs["zeta"]',
      'spec.steps[0].inputs["alpha"].step_output.step_id',
    ]);
  });

  it("keeps the found order for the same field; a path outside the spec first, an unknown field last", () => {
    const first = violation("spec.steps[1].depends_on[0]", "CYCLE", "first");
    const second = violation("spec.steps[1].depends_on[0]", "UNKNOWN_DEPENDENCY", "second");
    expect(inFieldOrder(subject, [second, first]).map((v) => v.description)).toEqual(["second", "first"]);
    expect(order(["spec.nonsense", "spec.inputs", ""])).toEqual(["", "spec.inputs", "spec.nonsense"]);
  });

  it("ranks a path by field numbers, indexes and map positions", () => {
    expect(fieldRank(subject, 'spec.steps[0].inputs["alpha"].step_output.output')).toEqual([
      2, 0, 5, 1, 3, 2,
    ]);
    expect(fieldRank(subject, 'spec.steps[0].inputs["a\\"b"]')).toEqual([2, 0, 5, Number.MAX_SAFE_INTEGER]);
  });
});
