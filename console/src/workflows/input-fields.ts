import type { WorkflowInput } from "@mcp/proto/workflows";
import { kindOfValue, type InputField } from "../forms/fields-from-schema";
import { valueJson } from "../format/json";

/**
 * The run form's fields for a workflow's declared inputs. Inputs carry no type: a field takes the kind
 * of its default value (a number, a boolean, an object...) and is text otherwise.
 */
export function workflowInputFields(inputs: readonly WorkflowInput[]): InputField[] {
  return inputs.map((input) => {
    const defaultValue = valueJson(input.defaultValue);
    return {
      name: input.name,
      kind: kindOfValue(defaultValue),
      required: input.required,
      description: input.description || undefined,
      defaultValue,
    };
  });
}
