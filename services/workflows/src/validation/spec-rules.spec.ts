import { create } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { ExecutionMode } from "@mcp/proto/workflows";
import { spec, step, found } from "./testing.js";

const aDefault = create(ValueSchema, { kind: { case: "numberValue", value: 3 } });

describe("validateSpec › step count", () => {
  it("accepts 1000 steps and rejects 1001", () => {
    const steps = (n: number) => Array.from({ length: n }, (_, i) => step(`s${i}`));
    expect(found(spec(steps(1000)))).toEqual([]);
    expect(found(spec(steps(1001)))).toEqual(["spec.steps TOO_MANY"]);
  });
});

describe("validateSpec › declared inputs", () => {
  it("accepts unique identifier names, optional inputs with defaults and required ones without", () => {
    const subject = spec([step("a")], {
      inputs: [
        { name: "_n", defaultValue: aDefault },
        { name: "Text9", required: true },
      ],
    });
    expect(found(subject)).toEqual([]);
  });

  it("rejects missing, malformed and repeated names", () => {
    const subject = spec([step("a")], {
      inputs: [{ name: "" }, { name: "my-input" }, { name: "x" }, { name: "x" }],
    });
    expect(found(subject)).toEqual([
      "spec.inputs[0].name REQUIRED",
      "spec.inputs[1].name INVALID_FORMAT",
      "spec.inputs[3].name DUPLICATE_INPUT_NAME",
    ]);
  });

  it("returns INPUT_REQUIRED_WITH_DEFAULT for a required input with a default", () => {
    const subject = spec([step("a")], { inputs: [{ name: "n", required: true, defaultValue: aDefault }] });
    expect(found(subject)).toEqual(["spec.inputs[0].default_value INPUT_REQUIRED_WITH_DEFAULT"]);
  });

  it("rejects a description over 2000 characters", () => {
    const subject = spec([step("a")], {
      inputs: [
        { name: "a", description: "d".repeat(2000) },
        { name: "b", description: "d".repeat(2001) },
      ],
    });
    expect(found(subject)).toEqual(["spec.inputs[1].description TOO_LONG"]);
  });
});

describe("validateSpec › outputs", () => {
  it("accepts unique names naming existing steps, with or without an output name", () => {
    const subject = spec([step("a")], {
      outputs: [
        { name: "all", stepId: "a" },
        { name: "text", stepId: "a", output: "text" },
      ],
    });
    expect(found(subject)).toEqual([]);
  });

  it("rejects repeated or malformed names and missing or unknown steps", () => {
    const subject = spec([step("a")], {
      outputs: [
        { name: "x", stepId: "a" },
        { name: "x", stepId: "" },
        { name: "bad name", stepId: "zz" },
      ],
    });
    expect(found(subject)).toEqual([
      "spec.outputs[1].name DUPLICATE_OUTPUT_NAME",
      "spec.outputs[1].step_id REQUIRED",
      "spec.outputs[2].name INVALID_FORMAT",
      "spec.outputs[2].step_id UNKNOWN_STEP",
    ]);
  });
});

describe("validateSpec › scheduling limits", () => {
  it("accepts max_parallelism 1..64 and a run timeout of 1..86400 seconds", () => {
    expect(found(spec([step("a")], { maxParallelism: 1, timeoutSeconds: 86_400 }))).toEqual([]);
    expect(found(spec([step("a")], { maxParallelism: 64, timeoutSeconds: 1 }))).toEqual([]);
  });

  it("rejects max_parallelism and run timeouts out of range", () => {
    expect(found(spec([step("a")], { maxParallelism: 65, timeoutSeconds: 0 }))).toEqual([
      "spec.max_parallelism OUT_OF_RANGE",
      "spec.timeout_seconds OUT_OF_RANGE",
    ]);
    expect(found(spec([step("a")], { maxParallelism: 0, timeoutSeconds: 86_401 }))).toEqual([
      "spec.max_parallelism OUT_OF_RANGE",
      "spec.timeout_seconds OUT_OF_RANGE",
    ]);
  });

  it("rejects an unknown execution mode", () => {
    expect(found(spec([step("a")], { executionMode: 9 as ExecutionMode }))).toEqual([
      "spec.execution_mode INVALID_ENUM",
    ]);
  });
});
