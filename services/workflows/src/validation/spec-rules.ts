import { ExecutionMode, type WorkflowSpec } from "@mcp/proto/workflows";
import { IDENTIFIER, LIMITS } from "./formats.js";
import type { StepGraph } from "./graph.js";
import { inRange, isKnownEnumValue, violation, type SpecViolation } from "./violation.js";

/** Spec-wide rules: step count, declared inputs, outputs, execution mode, parallelism, run timeout. */
export function specViolations(spec: WorkflowSpec, graph: StepGraph): SpecViolation[] {
  const result: SpecViolation[] = [...declaredInputViolations(spec), ...outputViolations(spec, graph)];
  if (spec.steps.length === 0) {
    result.push(violation("spec.steps", "EMPTY_WORKFLOW", "a workflow needs at least one step"));
  } else if (spec.steps.length > LIMITS.steps) {
    result.push(
      violation("spec.steps", "TOO_MANY", `at most ${LIMITS.steps} steps, got ${spec.steps.length}`),
    );
  }
  if (!isKnownEnumValue(ExecutionMode, spec.executionMode)) {
    result.push(
      violation("spec.execution_mode", "INVALID_ENUM", `unknown execution mode ${spec.executionMode}`),
    );
  }
  if (spec.maxParallelism !== undefined && !inRange(spec.maxParallelism, 1, 64)) {
    result.push(violation("spec.max_parallelism", "OUT_OF_RANGE", "max_parallelism is 1..64"));
  }
  if (spec.timeoutSeconds !== undefined && !inRange(spec.timeoutSeconds, 1, 86_400)) {
    result.push(violation("spec.timeout_seconds", "OUT_OF_RANGE", "a workflow timeout is 1..86400 seconds"));
  }
  return result;
}

/**
 * Declared inputs: at most 100, names unique identifiers, descriptions at most 2000 characters, and a
 * required input has no default (a default would never be used, so it is reported, not ignored).
 */
function declaredInputViolations(spec: WorkflowSpec): SpecViolation[] {
  const result: SpecViolation[] = [];
  if (spec.inputs.length > LIMITS.workflowInputs) {
    result.push(violation("spec.inputs", "TOO_MANY", `at most ${LIMITS.workflowInputs} inputs`));
  }
  spec.inputs.forEach((input, i) => {
    const path = `spec.inputs[${i}]`;
    result.push(
      ...nameViolations(
        `${path}.name`,
        input.name,
        spec.inputs.map((other) => other.name),
        i,
        "DUPLICATE_INPUT_NAME",
      ),
    );
    if (input.description.length > LIMITS.inputDescription) {
      result.push(
        violation(`${path}.description`, "TOO_LONG", `at most ${LIMITS.inputDescription} characters`),
      );
    }
    if (input.required && input.defaultValue !== undefined) {
      result.push(
        violation(
          `${path}.default_value`,
          "INPUT_REQUIRED_WITH_DEFAULT",
          `input "${input.name}" is required, so it cannot have a default`,
        ),
      );
    }
  });
  return result;
}

/** Outputs: at most 100, names unique identifiers, each naming an existing step (`output` empty = whole result). */
function outputViolations(spec: WorkflowSpec, graph: StepGraph): SpecViolation[] {
  const result: SpecViolation[] = [];
  if (spec.outputs.length > LIMITS.workflowOutputs) {
    result.push(violation("spec.outputs", "TOO_MANY", `at most ${LIMITS.workflowOutputs} outputs`));
  }
  spec.outputs.forEach((output, i) => {
    const path = `spec.outputs[${i}]`;
    result.push(
      ...nameViolations(
        `${path}.name`,
        output.name,
        spec.outputs.map((other) => other.name),
        i,
        "DUPLICATE_OUTPUT_NAME",
      ),
    );
    if (output.stepId === "") {
      result.push(violation(`${path}.step_id`, "REQUIRED", "name the step that produces this output"));
    } else if (!graph.indexOf.has(output.stepId)) {
      result.push(violation(`${path}.step_id`, "UNKNOWN_STEP", `no step has id "${output.stepId}"`));
    }
  });
  return result;
}

/** A name at position `index` of `names`: required, an identifier, and not used at an earlier position. */
function nameViolations(
  field: string,
  name: string,
  names: readonly string[],
  index: number,
  duplicateCode: "DUPLICATE_INPUT_NAME" | "DUPLICATE_OUTPUT_NAME",
): SpecViolation[] {
  if (name === "") return [violation(field, "REQUIRED", "a name is required")];
  const result: SpecViolation[] = [];
  if (!IDENTIFIER.test(name)) {
    result.push(
      violation(
        field,
        "INVALID_FORMAT",
        `"${name}" is not a name (1-128 letters, digits and _, not starting with a digit)`,
      ),
    );
  }
  const first = names.indexOf(name);
  if (first !== index)
    result.push(violation(field, duplicateCode, `"${name}" is already used at index ${first}`));
  return result;
}
