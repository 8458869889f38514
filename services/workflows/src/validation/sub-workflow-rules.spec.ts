import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { StepSchema, type Step } from "@mcp/proto/workflows";
import { found, spec, step } from "./testing.js";

function calls(stepId: string, init: Omit<MessageInitShape<typeof StepSchema>, "stepId"> = {}): Step {
  return create(StepSchema, {
    stepId,
    workflow: { workflow: { case: "name", value: "child" } },
    ...init,
  } as MessageInitShape<typeof StepSchema>);
}

describe("validateSpec › workflow steps (sub-workflows)", () => {
  it("accepts a step that calls a workflow by name or id, with a version", () => {
    expect(
      found(
        spec([
          calls("by_name"),
          calls("by_id", {
            workflow: { workflow: { case: "id", value: "0b5f6a1e-2f3c-4d5e-8f90-1a2b3c4d5e6f" }, version: 2 },
          }),
        ]),
      ),
    ).toEqual([]);
  });

  it("refuses a malformed reference, a version below 1, mcp beside it, and for_each on it", () => {
    expect(
      found(
        spec(
          [
            calls("empty", { workflow: {} }),
            calls("bad_id", { workflow: { workflow: { case: "id", value: "nope" } } }),
            calls("bad_name", { workflow: { workflow: { case: "name", value: "1x" } } }),
            calls("zero", { workflow: { workflow: { case: "name", value: "child" }, version: 0 } }),
            calls("both", { mcp: step("x").mcp }),
            calls("waits", { sleep: { duration: { seconds: 1n, nanos: 0 } } }),
            calls("loops", { forEach: { source: { case: "workflowInput", value: "list" } } }),
          ],
          { inputs: [{ name: "list" }] },
        ),
      ),
    ).toEqual([
      "spec.steps[0].workflow REQUIRED",
      "spec.steps[1].workflow.id INVALID_FORMAT",
      "spec.steps[2].workflow.name INVALID_FORMAT",
      "spec.steps[3].workflow.version OUT_OF_RANGE",
      "spec.steps[4].workflow EXCLUSIVE_FIELDS",
      "spec.steps[5].workflow EXCLUSIVE_FIELDS",
    ]);
  });
});
