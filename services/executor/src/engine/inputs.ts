import { toJson } from "@bufbuild/protobuf";
import { ValueSchema, type Value } from "@bufbuild/protobuf/wkt";
import type { Step, StepOutputRef } from "@mcp/proto/workflows";
import { StepFailure, type JsonObject, type JsonValue } from "../step/index.js";

/**
 * Reads a succeeded step's outputs; `undefined` when the step has none recorded (not succeeded);
 * {@link SKIPPED_BY_CONDITION} when a condition skipped it (conditions.ts).
 */
export type OutputsOf = (stepId: string) => JsonObject | undefined;

/** The "outputs" of a step a condition skipped: every input reading it is null. */
export const SKIPPED_BY_CONDITION: JsonObject = Object.freeze({});

/**
 * Builds a step's inputs from its `StepInput` mapping:
 * - `staticValue`: the `google.protobuf.Value` as JSON (a Value with no kind set is `null`);
 * - `workflowInput`: the run's input of that name (after defaults);
 * - `stepOutput`: the producer's `outputs[output]`, or its whole outputs object when `output` is empty;
 *   null when a condition skipped the producer.
 *
 * @throws StepFailure with code `MISSING_INPUT` naming what could not be read.
 */
export function mapStepInputs(step: Step, runInputs: JsonObject, outputsOf: OutputsOf): JsonObject {
  const entries: [string, JsonValue][] = [];
  for (const [name, input] of Object.entries(step.inputs)) {
    const source = input.source;
    switch (source.case) {
      case "staticValue":
        entries.push([name, staticJson(source.value)]);
        break;
      case "workflowInput":
        entries.push([name, workflowInput(step.stepId, name, source.value, runInputs)]);
        break;
      case "stepOutput":
        entries.push([name, stepOutput(step.stepId, name, source.value, outputsOf)]);
        break;
      case undefined:
        throw new StepFailure("MISSING_INPUT", `input "${name}" of step "${step.stepId}" has no source`);
    }
  }
  // fromEntries defines own properties, so even an input named "__proto__" stays plain data.
  return Object.fromEntries(entries);
}

/** A `google.protobuf.Value` as plain JSON. */
function staticJson(value: Value): JsonValue {
  return value.kind.case === undefined ? null : toJson(ValueSchema, value);
}

function workflowInput(stepId: string, name: string, inputName: string, runInputs: JsonObject): JsonValue {
  const value = own(runInputs, inputName);
  if (value === undefined) {
    throw new StepFailure(
      "MISSING_INPUT",
      `input "${name}" of step "${stepId}" reads workflow input "${inputName}", which the run does not have`,
    );
  }
  return value;
}

function stepOutput(stepId: string, name: string, ref: StepOutputRef, outputsOf: OutputsOf): JsonValue {
  const outputs = outputsOf(ref.stepId);
  if (outputs === SKIPPED_BY_CONDITION) return null;
  const value = outputs === undefined ? undefined : readOutput(outputs, ref.output);
  if (value === undefined) {
    const what = ref.output === "" ? "the outputs" : `output "${ref.output}"`;
    throw new StepFailure(
      "MISSING_INPUT",
      `input "${name}" of step "${stepId}" reads ${what} of step "${ref.stepId}", which it did not produce`,
    );
  }
  return value;
}

/** `outputs[name]`, or the whole object when `name` is empty; `undefined` when absent. */
export function readOutput(outputs: JsonObject, name: string): JsonValue | undefined {
  return name === "" ? outputs : own(outputs, name);
}

/** An own property only: `"constructor"` or `"__proto__"` never read through to the prototype. */
function own(object: JsonObject, key: string): JsonValue | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}
