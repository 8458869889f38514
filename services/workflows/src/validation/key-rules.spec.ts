import { spec, step } from "./testing.js";
import { validateSpec } from "./validate-spec.js";

const keyed = (key: string) => ({ ...spec([step("a")]), concurrencyKey: key });

describe("validateSpec › concurrency_key", () => {
  it("accepts a key over the inputs", () => {
    expect(
      validateSpec(keyed('inputs.customer + "/" + string(inputs.region)'), { workflowName: undefined }),
    ).toEqual([]);
  });

  it("reports a syntax error with its position", () => {
    expect(validateSpec(keyed("inputs.customer +"), { workflowName: undefined })).toEqual([
      {
        field: "spec.concurrency_key",
        code: "CONDITION_SYNTAX_ERROR",
        description: expect.stringMatching(/^CEL syntax error at 1:\d+: /) as unknown,
      },
    ]);
  });

  it("reports a key of a type that has no string form, and one that reads a step", () => {
    expect(validateSpec(keyed("{'a': inputs.x}"), { workflowName: undefined })).toEqual([
      {
        field: "spec.concurrency_key",
        code: "CONDITION_TYPE_ERROR",
        description: expect.stringMatching(/^CEL type error at 1:1: a concurrency key must be/) as unknown,
      },
    ]);
    expect(validateSpec(keyed("steps.a.outputs.x"), { workflowName: undefined })[0]?.code).toBe(
      "UNKNOWN_STEP",
    );
  });
});
