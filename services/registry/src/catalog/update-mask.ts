import { clone, create, type DescField, type DescMessage } from "@bufbuild/protobuf";
import { InvalidArgumentError } from "@mcp/errors";
import { McpConfigSchema, type McpConfig, type UpdateMcpRequest } from "@mcp/proto/registry";
import { configFromJson } from "./content.js";
import type { ContentChange, McpChange } from "./mcp-writer.js";

/**
 * Turns an UpdateMcp request into a change. With an empty mask, every field set in the request
 * changes; otherwise exactly the masked ones (`description`, `tags`, `config`, `input_schema`,
 * `output_schema`, or one config field such as `config.llm_prompt.temperature`).
 */
export function changeFromRequest(req: UpdateMcpRequest): McpChange {
  const paths = req.updateMask?.paths ?? [];
  const masked = (path: string) => paths.includes(path);
  const all = paths.length === 0;
  const configFields = paths.filter((p) => p.startsWith("config."));
  const replaceConfig = masked("config") || (all && req.config !== undefined);
  const setInput = masked("input_schema") || (all && req.inputSchema !== undefined);
  const setOutput = masked("output_schema") || (all && req.outputSchema !== undefined);
  const contentChanges = replaceConfig || setInput || setOutput || configFields.length > 0;

  return {
    description: masked("description") || (all && req.description !== "") ? req.description : undefined,
    tags: masked("tags") || (all && req.tags.length > 0) ? req.tags : undefined,
    content: contentChanges
      ? (current): ContentChange => {
          let config: McpConfig = replaceConfig && req.config ? req.config : configFromJson(current.config);
          if (!replaceConfig && configFields.length > 0)
            config = applyConfigFields(config, req.config, configFields);
          return {
            config,
            inputSchema: setInput
              ? req.inputSchema
              : ((current.inputSchema as ContentChange["inputSchema"] | null) ?? undefined),
            outputSchema: setOutput
              ? req.outputSchema
              : ((current.outputSchema as ContentChange["outputSchema"] | null) ?? undefined),
            changeNote: req.changeNote,
          };
        }
      : undefined,
  };
}

/** Copies single fields (`config.<kind>.<field>`) from `source` into a copy of `current`. */
function applyConfigFields(
  current: McpConfig,
  source: McpConfig | undefined,
  paths: readonly string[],
): McpConfig {
  const next = clone(McpConfigSchema, current);
  for (const path of paths) {
    const [, kindName, fieldName] = path.split(".");
    const kindField = McpConfigSchema.fields.find((f) => f.name === kindName);
    if (!kindField || kindField.message === undefined || next.kind.case !== kindField.localName) {
      throw InvalidArgumentError.field(
        "update_mask",
        `"${path}" does not name a field of this MCP's ${next.kind.case ?? "empty"} config`,
      );
    }
    const field = fieldOf(kindField.message, fieldName ?? "");
    if (!field) throw InvalidArgumentError.field("update_mask", `"${path}" names no field of ${kindName}`);
    // A kind missing from the request reads as its empty message: the field is reset to its default.
    const from = (source?.kind.case === next.kind.case
      ? source.kind.value
      : create(kindField.message)) as unknown as Record<string, unknown>;
    const target = next.kind.value as unknown as Record<string, unknown>;
    if (field.oneof) {
      const chosen = from[field.oneof.localName] as { case?: string } | undefined;
      if (chosen?.case === field.localName) target[field.oneof.localName] = chosen;
      else if ((target[field.oneof.localName] as { case?: string } | undefined)?.case === field.localName) {
        target[field.oneof.localName] = { case: undefined };
      }
    } else {
      target[field.localName] = from[field.localName];
    }
  }
  return next;
}

function fieldOf(message: DescMessage, name: string): DescField | undefined {
  return message.fields.find((f) => f.name === name);
}
