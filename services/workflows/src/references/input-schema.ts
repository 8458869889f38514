import type { JsonObject } from "@bufbuild/protobuf";
import type { McpVersion } from "@mcp/proto/registry";
import type { Step } from "@mcp/proto/workflows";
import type { SpecViolation } from "../validation/index.js";

/**
 * The JSON Schema a step's inputs must satisfy: for an `mcp_tool` with a tool snapshot, the input
 * schema the MCP server itself reported for the tool; else the MCP version's declared input schema.
 */
export function inputSchemaOf(version: McpVersion | undefined): JsonObject | undefined {
  if (!version) return undefined;
  const config = version.config?.kind;
  if (config?.case === "mcpTool") {
    const tool = version.toolSnapshot?.tools.find((t) => t.name === config.value.toolName);
    if (tool?.inputSchema) return tool.inputSchema;
  }
  return version.inputSchema;
}

/** Path of one input of the step at `stepField`, keyed like a proto map entry: `spec.steps[1].inputs["text"]`. */
function inputPath(stepField: string, name: string): string {
  return `${stepField}.inputs[${JSON.stringify(name)}]`;
}

/**
 * Checks a step's input names against the MCP's input schema: every `required` property must be
 * mapped, and when the schema closes its properties (`additionalProperties: false`) no other input
 * may be. Types are not checked here (values come from other steps at run time). Each violation's
 * field is the input it is about (`spec.steps[2].inputs["text"]`), a missing one included, so the
 * console's builder marks that input's row.
 */
export function inputViolations(
  step: Step,
  stepField: string,
  mcpName: string,
  schema: JsonObject | undefined,
): SpecViolation[] {
  if (!schema) return [];
  const given = new Set(Object.keys(step.inputs));
  const violations: SpecViolation[] = [];
  const required = Array.isArray(schema["required"])
    ? schema["required"].filter((r): r is string => typeof r === "string")
    : [];
  for (const name of required) {
    if (!given.has(name)) {
      violations.push({
        field: inputPath(stepField, name),
        code: "MISSING_MCP_INPUT",
        description: `step "${step.stepId}": MCP "${mcpName}" requires input "${name}", which the step does not map`,
      });
    }
  }
  const properties = schema["properties"];
  if (
    schema["additionalProperties"] === false &&
    properties &&
    typeof properties === "object" &&
    !Array.isArray(properties)
  ) {
    const known = Object.keys(properties);
    for (const name of given) {
      if (!known.includes(name)) {
        violations.push({
          field: inputPath(stepField, name),
          code: "UNKNOWN_MCP_INPUT",
          description: `step "${step.stepId}": MCP "${mcpName}" takes no input "${name}" (its inputs: ${known.join(", ") || "none"})`,
        });
      }
    }
  }
  return violations;
}
