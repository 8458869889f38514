import { fromStep, found, spec, step } from "./testing.js";
import { validateSpec } from "./validate-spec.js";

const classify = step("classify");

describe("validateSpec › conditions (when)", () => {
  it("accepts bool CEL over inputs and upstream steps, and run_if_skipped anywhere", () => {
    expect(
      found(
        spec([
          classify,
          step("a", { dependsOn: ["classify"], when: 'steps.classify.outputs.label == "yes"' }),
          step("b", { dependsOn: ["a"], when: "inputs.n > 2 || steps.classify.skipped", runIfSkipped: true }),
          step("c", { runIfSkipped: true }),
        ]),
      ),
    ).toEqual([]);
  });

  it("reports a syntax error with its position", () => {
    const [violation, ...rest] = validateSpec(spec([step("a", { when: "inputs.n > 2 &&" })]), {
      workflowName: undefined,
    });
    expect(rest).toEqual([]);
    expect(violation).toEqual({
      field: "spec.steps[0].when",
      code: "CONDITION_SYNTAX_ERROR",
      description: expect.stringMatching(/^CEL syntax error at 1:\d+: /) as unknown,
    });
  });

  it("reports a type error and a non-bool condition with their positions", () => {
    const violations = validateSpec(
      spec([step("a", { when: 'inputs.n + 1 == "x"' }), step("b", { when: "inputs.n + 1" })]),
      { workflowName: undefined },
    );
    expect(violations).toEqual([
      {
        field: "spec.steps[0].when",
        code: "CONDITION_TYPE_ERROR",
        description: "CEL type error at 1:14: no matching overload for '_==_' applied to (int, string)",
      },
      {
        field: "spec.steps[1].when",
        code: "CONDITION_TYPE_ERROR",
        description: "CEL type error at 1:10: a condition must be of type bool, this one is of type int",
      },
    ]);
  });

  it("names a step that is not upstream, or unknown", () => {
    expect(
      found(
        spec([
          classify,
          step("a", { when: "steps.classify.outputs.x == 1" }),
          step("b", { dependsOn: ["a"], when: "steps.nope.outputs.x == 1" }),
        ]),
      ),
    ).toEqual(["spec.steps[1].when CONDITION_STEP_NOT_UPSTREAM", "spec.steps[2].when UNKNOWN_STEP"]);
  });

  it("refuses a condition over 4096 characters", () => {
    expect(found(spec([step("a", { when: `inputs.x == "${"y".repeat(4096)}"` })]))).toEqual([
      "spec.steps[0].when TOO_LONG",
    ]);
  });

  it("sits in field order among the step's other violations", () => {
    expect(
      found(
        spec([
          classify,
          step("a", {
            dependsOn: ["classify"],
            inputs: { t: fromStep("ghost") },
            when: "1",
            timeoutSeconds: 0,
          }),
        ]),
      ),
    ).toEqual([
      'spec.steps[1].inputs["t"].step_output.step_id UNKNOWN_STEP',
      "spec.steps[1].timeout_seconds OUT_OF_RANGE",
      "spec.steps[1].when CONDITION_TYPE_ERROR",
    ]);
  });
});
