import type { JsonObject } from "@bufbuild/protobuf";
import type { McpVersion } from "@mcp/proto/registry";
import { fieldsFromJsonSchema, kindOfValue, type InputField } from "../forms/fields-from-schema";

/** The inputs a version declares, and where the declaration came from. */
export interface DeclaredInputs {
  readonly fields: readonly InputField[];
  /** Where they come from, for people; undefined when the version declares none. */
  readonly source: string | undefined;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)(?:\.[A-Za-z0-9_.]*)?\s*\}\}/g;

/** The top-level variables of an llm_prompt template (`{{ text }}`, `{{ doc.title }}` -> text, doc). */
export function templateVariables(template: string): string[] {
  const names: string[] = [];
  for (const match of template.matchAll(PLACEHOLDER)) {
    const name = match[1];
    if (name !== undefined && !names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * The inputs of an MCP version, from the most explicit declaration it has: its input schema; else, by
 * type, the llm_prompt's input variables (or template placeholders), the notebook's parameters
 * (optional, with their defaults), or the mcp_tool's tool schema from the registry's snapshot.
 */
export function declaredInputs(version: McpVersion): DeclaredInputs {
  const fromSchema = fieldsFromJsonSchema(version.inputSchema);
  if (fromSchema.length > 0) return { fields: fromSchema, source: "input schema" };
  const kind = version.config?.kind;
  switch (kind?.case) {
    case "llmPrompt": {
      const declared = kind.value.inputVariables;
      const names = declared.length > 0 ? declared : templateVariables(kind.value.template);
      const fields = names.map((name) => ({ name, kind: "string" as const, required: true }));
      return { fields, source: declared.length > 0 ? "input variables" : "template placeholders" };
    }
    case "jupyterNotebook": {
      const parameters: JsonObject = kind.value.parameters ?? {};
      const fields = Object.entries(parameters).map(([name, value]) => ({
        name,
        kind: kindOfValue(value),
        required: false,
        defaultValue: value,
      }));
      return { fields, source: fields.length > 0 ? "notebook parameters" : undefined };
    }
    case "mcpTool": {
      const tool = version.toolSnapshot?.tools.find((t) => t.name === kind.value.toolName);
      const fields = fieldsFromJsonSchema(tool?.inputSchema);
      return { fields, source: fields.length > 0 ? `schema of tool ${kind.value.toolName}` : undefined };
    }
    default:
      return { fields: [], source: undefined };
  }
}
