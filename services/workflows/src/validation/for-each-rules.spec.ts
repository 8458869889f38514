import { create } from "@bufbuild/protobuf";
import { StepInputSchema, type StepInput } from "@mcp/proto/workflows";
import { found, fromInput, spec, step } from "./testing.js";

const item = (path = ""): StepInput => create(StepInputSchema, { source: { case: "item", value: path } });
const itemIndex = (value = true): StepInput =>
  create(StepInputSchema, { source: { case: "itemIndex", value } });
const docs = { inputs: [{ name: "docs" }] };

describe("validateSpec › for_each", () => {
  it("accepts a for_each over a declared workflow input or an upstream step's output, with item inputs", () => {
    expect(
      found(
        spec(
          [
            step("list"),
            step("each", {
              dependsOn: ["list"],
              forEach: {
                source: { case: "stepOutput", value: { stepId: "list", output: "data" } },
                path: "a.b-c.0",
              },
              inputs: { doc: item("body.text"), whole: item(), n: itemIndex() },
            }),
            step("other", {
              forEach: { source: { case: "workflowInput", value: "docs" }, maxConcurrency: 64 },
              inputs: { doc: item(), x: fromInput("docs") },
            }),
          ],
          docs,
        ),
      ),
    ).toEqual([]);
  });

  it("requires a source, a declared input, an upstream step", () => {
    expect(
      found(
        spec(
          [
            step("a", { forEach: {} }),
            step("b", { forEach: { source: { case: "workflowInput", value: "" } } }),
            step("c", { forEach: { source: { case: "workflowInput", value: "nope" } } }),
            step("d", { forEach: { source: { case: "stepOutput", value: { stepId: "a", output: "" } } } }),
            step("e", { forEach: { source: { case: "stepOutput", value: { stepId: "zz", output: "" } } } }),
            step("f", { forEach: { source: { case: "stepOutput", value: { stepId: "f", output: "" } } } }),
            step("g", { forEach: { source: { case: "stepOutput", value: { stepId: "", output: "" } } } }),
          ],
          docs,
        ),
      ),
    ).toEqual([
      "spec.steps[0].for_each REQUIRED",
      "spec.steps[1].for_each.workflow_input REQUIRED",
      "spec.steps[2].for_each.workflow_input UNDECLARED_WORKFLOW_INPUT",
      "spec.steps[3].for_each.step_output.step_id STEP_OUTPUT_NOT_UPSTREAM",
      "spec.steps[4].for_each.step_output.step_id UNKNOWN_STEP",
      "spec.steps[5].for_each.step_output.step_id STEP_OUTPUT_NOT_UPSTREAM",
      "spec.steps[6].for_each.step_output.step_id REQUIRED",
    ]);
  });

  it("checks the path and max_concurrency", () => {
    const src = { case: "workflowInput" as const, value: "docs" };
    expect(
      found(
        spec(
          [
            step("a", { forEach: { source: src, path: "a..b", maxConcurrency: 0 } }),
            step("b", { forEach: { source: src, path: "x".repeat(513), maxConcurrency: 65 } }),
            step("c", { forEach: { source: src, path: "a b" } }),
          ],
          docs,
        ),
      ),
    ).toEqual([
      "spec.steps[0].for_each.path INVALID_FORMAT",
      "spec.steps[0].for_each.max_concurrency OUT_OF_RANGE",
      "spec.steps[1].for_each.path TOO_LONG",
      "spec.steps[1].for_each.max_concurrency OUT_OF_RANGE",
      "spec.steps[2].for_each.path INVALID_FORMAT",
    ]);
  });

  it("refuses for_each on a step that is not an MCP call", () => {
    expect(
      found(
        spec(
          [
            step("a", {
              mcp: undefined,
              sleep: { duration: { seconds: 1n } },
              forEach: { source: { case: "workflowInput", value: "docs" } },
            }),
          ],
          docs,
        ),
      ),
    ).toContain("spec.steps[0].for_each FOR_EACH_NOT_ON_MCP_STEP");
  });

  it("allows item and item_index inputs only on a for_each step; item_index must be true", () => {
    expect(
      found(
        spec(
          [
            step("a", { inputs: { x: item("a"), y: itemIndex() } }),
            step("b", {
              forEach: { source: { case: "workflowInput", value: "docs" } },
              inputs: { x: item(".bad"), y: itemIndex(false) },
            }),
          ],
          docs,
        ),
      ),
    ).toEqual([
      'spec.steps[0].inputs["x"].item ITEM_OUTSIDE_FOR_EACH',
      'spec.steps[0].inputs["y"].item_index ITEM_OUTSIDE_FOR_EACH',
      'spec.steps[1].inputs["x"].item INVALID_FORMAT',
      'spec.steps[1].inputs["y"].item_index REQUIRED',
    ]);
  });
});
