import { create } from "@bufbuild/protobuf";
import { ExecutionMode, StepInputSchema } from "@mcp/proto/workflows";
import { fromInput, fromStep, literal, spec, step, found } from "./testing.js";
import { validateSpec } from "./validate-spec.js";

describe("validateSpec › step inputs", () => {
  it("accepts identifier names with a static value, a declared workflow input or an upstream output", () => {
    const subject = spec(
      [
        step("a"),
        step("b", {
          dependsOn: ["a"],
          inputs: { _text: fromStep("a"), lang: fromInput("lang"), n2: literal("x") },
        }),
      ],
      { inputs: [{ name: "lang" }] },
    );
    expect(found(subject)).toEqual([]);
  });

  it("rejects an input name that is not an identifier", () => {
    expect(found(spec([step("a", { inputs: { "my-text": literal("x") } })]))).toEqual([
      'spec.steps[0].inputs["my-text"] INVALID_FORMAT',
    ]);
  });

  it("requires a source for every input", () => {
    const inputs = { text: create(StepInputSchema) };
    expect(found(spec([step("a", { inputs })]))).toEqual(['spec.steps[0].inputs["text"] REQUIRED']);
  });

  it("returns UNDECLARED_WORKFLOW_INPUT for a workflow input not in spec.inputs", () => {
    const subject = spec([step("a", { inputs: { text: fromInput("txt") } })], { inputs: [{ name: "text" }] });
    expect(found(subject)).toEqual(['spec.steps[0].inputs["text"].workflow_input UNDECLARED_WORKFLOW_INPUT']);
  });

  it("requires the workflow input's name and the producing step's id", () => {
    expect(found(spec([step("a", { inputs: { x: fromInput(""), y: fromStep("") } })]))).toEqual([
      'spec.steps[0].inputs["x"].workflow_input REQUIRED',
      'spec.steps[0].inputs["y"].step_output.step_id REQUIRED',
    ]);
  });

  it("returns UNKNOWN_STEP for an output of a step that does not exist", () => {
    expect(found(spec([step("a", { inputs: { text: fromStep("ghost") } })]))).toEqual([
      'spec.steps[0].inputs["text"].step_output.step_id UNKNOWN_STEP',
    ]);
  });

  it("accepts an empty output name, meaning the step's whole result", () => {
    const subject = spec([step("a"), step("b", { dependsOn: ["a"], inputs: { all: fromStep("a", "") } })]);
    expect(found(subject)).toEqual([]);
  });
});

describe("validateSpec › step_output upstream", () => {
  it("returns STEP_OUTPUT_NOT_UPSTREAM for a step not in depends_on, suggesting to add it there", () => {
    const subject = spec([step("a"), step("b", { inputs: { note: literal("x"), text: fromStep("a") } })]);
    expect(validateSpec(subject, { workflowName: undefined })).toEqual([
      {
        field: 'spec.steps[1].inputs["text"].step_output.step_id',
        code: "STEP_OUTPUT_NOT_UPSTREAM",
        description:
          'step "a" is not upstream of "b", so its output may not be ready; add "a" to depends_on of "b"',
      },
    ]);
  });

  it("accepts the output of a step reached transitively through depends_on", () => {
    const subject = spec([
      step("a"),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["b"], inputs: { text: fromStep("a") } }),
    ]);
    expect(found(subject)).toEqual([]);
  });

  it("accepts the output of a later-declared step listed in depends_on", () => {
    const subject = spec([step("b", { dependsOn: ["a"], inputs: { text: fromStep("a") } }), step("a")], {
      executionMode: ExecutionMode.SEQUENTIAL,
    });
    expect(found(subject)).toEqual([]);
  });

  it("returns STEP_OUTPUT_NOT_UPSTREAM for a sibling that shares an upstream step", () => {
    const subject = spec([
      step("a"),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["a"], inputs: { x: fromStep("a"), y: fromStep("b") } }),
    ]);
    expect(found(subject)).toEqual([
      'spec.steps[2].inputs["y"].step_output.step_id STEP_OUTPUT_NOT_UPSTREAM',
    ]);
  });

  it("returns STEP_OUTPUT_NOT_UPSTREAM for a step's own output", () => {
    expect(found(spec([step("a", { inputs: { text: fromStep("a") } })]))).toEqual([
      'spec.steps[0].inputs["text"].step_output.step_id STEP_OUTPUT_NOT_UPSTREAM',
    ]);
  });

  it("returns STEP_OUTPUT_NOT_UPSTREAM, and no cycle, for the output of a step that waits for the consumer", () => {
    const subject = spec([
      step("a", { inputs: { text: fromStep("c") } }),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["b"] }),
    ]);
    const violations = validateSpec(subject, { workflowName: undefined });
    expect(violations.map((v) => `${v.field} ${v.code}`)).toEqual([
      'spec.steps[0].inputs["text"].step_output.step_id STEP_OUTPUT_NOT_UPSTREAM',
    ]);
    expect(violations[0]?.description).toContain(
      '"c" itself waits for "a", so take the value from another source',
    );
  });
});
