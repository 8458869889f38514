import type { FieldViolation } from "@mcp/errors";
import type { UpdateMcpRequest } from "@mcp/proto/registry";
import { kindFieldName, validateMcpConfig } from "@mcp/mcp-types";
import { violation } from "@mcp/validation";
import { checkMcpOneof } from "@mcp/validation";
import { checkJsonSchema } from "./json-schema.js";
import { checkDescription, checkNote, checkTags } from "@mcp/validation";
import { checkUpdateMask, parseConfigFieldPath } from "./update-mask.js";

/**
 * Checks an UpdateMcpRequest: the MCP (id or name), the update_mask, every value given, and the
 * config as it will be applied — in full when the mask names `config` (then it is required) or is
 * empty and a config is given; only the named fields for `config.<kind>.<field>` paths (then the
 * config must be of that kind).
 */
export function validateUpdateMcp(request: UpdateMcpRequest): FieldViolation[] {
  const paths = request.updateMask?.paths ?? [];
  return [
    ...checkMcpOneof(request.mcp),
    ...checkUpdateMask(paths),
    ...checkDescription(request.description),
    ...checkTags(request.tags),
    ...checkUpdatedConfig(request, paths),
    ...checkJsonSchema(request.inputSchema, "input_schema"),
    ...checkJsonSchema(request.outputSchema, "output_schema"),
    ...checkNote(request.changeNote, "change_note"),
  ];
}

function checkUpdatedConfig(request: UpdateMcpRequest, paths: readonly string[]): FieldViolation[] {
  if (paths.length === 0) return request.config === undefined ? [] : validateMcpConfig(request.config);
  if (paths.includes("config")) return validateMcpConfig(request.config);
  const fieldPaths = paths.flatMap((p) => parseConfigFieldPath(p) ?? []);
  if (fieldPaths.length === 0) return [];
  const config = request.config;
  const kind = config?.kind.case === undefined ? undefined : kindFieldName(config.kind.case);
  const mismatched = fieldPaths.filter((p) => p.kind !== kind);
  if (mismatched.length > 0) {
    return mismatched.map((p) => violation("config", `must set ${p.kind} to update "${p.path}"`));
  }
  const isUnder = (field: string) =>
    fieldPaths.some(
      (p) => field === p.path || field.startsWith(`${p.path}.`) || field.startsWith(`${p.path}[`),
    );
  return validateMcpConfig(config).filter((v) => isUnder(v.field));
}
