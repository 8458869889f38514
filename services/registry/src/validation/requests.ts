import type { FieldViolation } from "@mcp/errors";
import {
  CreateMcpRequestSchema,
  DeleteMcpLabelRequestSchema,
  DeleteMcpRequestSchema,
  DeprecateMcpVersionRequestSchema,
  DiffMcpVersionsRequestSchema,
  GetMcpRequestSchema,
  GetMcpStatsRequestSchema,
  GetMcpVersionRequestSchema,
  ListMcpLabelMovesRequestSchema,
  ListMcpVersionsRequestSchema,
  ListMcpsRequestSchema,
  McpType,
  SetMcpLabelRequestSchema,
  UndeprecateMcpVersionRequestSchema,
  UpdateMcpRequestSchema,
  type CreateMcpRequest,
  type DeleteMcpLabelRequest,
  type DeleteMcpRequest,
  type DeprecateMcpVersionRequest,
  type DiffMcpVersionsRequest,
  type GetMcpRequest,
  type GetMcpVersionRequest,
  type ListMcpLabelMovesRequest,
  type ListMcpVersionsRequest,
  type ListMcpsRequest,
  type SetMcpLabelRequest,
  type UndeprecateMcpVersionRequest,
} from "@mcp/proto/registry";
import { validationTable, type ValidationTable } from "@mcp/runtime";
import { validateMcpConfig } from "@mcp/mcp-types";
import { checkMaxItems, checkMaxLength, checkRequired, indexPath, violation } from "@mcp/validation";
import { checkLabel, checkMcpOneof, checkName, checkSelector, checkVersion } from "@mcp/validation";
import { checkJsonSchema } from "./json-schema.js";
import {
  MAX_NOTE_LENGTH,
  MAX_TAGS,
  checkDescription,
  checkNote,
  checkPageSize,
  checkTag,
  checkTags,
} from "@mcp/validation";
import { validateUpdateMcp } from "./update-mcp.js";

/**
 * Input rules of every RegistryService request, enforced once by the validation interceptor so
 * handlers see valid input. Each validator returns all violations, named by proto field path.
 */
export const registryValidation: ValidationTable = validationTable([
  [CreateMcpRequestSchema, validateCreateMcp],
  [GetMcpRequestSchema, (m: GetMcpRequest) => [...checkMcpOneof(m.mcp), ...checkSelector(m.selector)]],
  [ListMcpsRequestSchema, validateListMcps],
  [UpdateMcpRequestSchema, validateUpdateMcp],
  [DeleteMcpRequestSchema, (m: DeleteMcpRequest) => checkMcpOneof(m.mcp)],
  [
    ListMcpVersionsRequestSchema,
    (m: ListMcpVersionsRequest) => [...checkMcpOneof(m.mcp), ...checkPageSize(m.pageSize)],
  ],
  [
    GetMcpVersionRequestSchema,
    (m: GetMcpVersionRequest) => [...checkMcpOneof(m.mcp), ...checkSelector(m.selector)],
  ],
  [DiffMcpVersionsRequestSchema, validateDiffMcpVersions],
  [SetMcpLabelRequestSchema, validateSetMcpLabel],
  [DeleteMcpLabelRequestSchema, validateDeleteMcpLabel],
  [ListMcpLabelMovesRequestSchema, validateListMcpLabelMoves],
  [DeprecateMcpVersionRequestSchema, validateDeprecateMcpVersion],
  [
    UndeprecateMcpVersionRequestSchema,
    (m: UndeprecateMcpVersionRequest) => [...checkMcpOneof(m.mcp), ...checkVersion(m.version, "version")],
  ],
  [GetMcpStatsRequestSchema, (): FieldViolation[] => []],
]);

function validateCreateMcp(m: CreateMcpRequest): FieldViolation[] {
  return [
    ...checkName(m.name, "name"),
    ...checkDescription(m.description),
    ...checkTags(m.tags),
    ...validateMcpConfig(m.config),
    ...checkJsonSchema(m.inputSchema, "input_schema"),
    ...checkJsonSchema(m.outputSchema, "output_schema"),
    ...checkNote(m.changeNote, "change_note"),
  ];
}

function validateListMcps(m: ListMcpsRequest): FieldViolation[] {
  const filter = m.filter;
  if (!filter) return checkPageSize(m.pageSize);
  return [
    ...checkPageSize(m.pageSize),
    ...(!(filter.type in McpType) ? [violation("filter.type", "is not a known MCP type")] : []),
    ...(filter.tag !== "" ? checkTag(filter.tag, "filter.tag") : []),
    ...filter.types.flatMap((type, i) =>
      type === McpType.UNSPECIFIED || !(type in McpType)
        ? [violation(indexPath("filter.types", i), "is not a known MCP type")]
        : [],
    ),
    ...checkMaxItems(filter.tags, MAX_TAGS, "filter.tags"),
    ...filter.tags.flatMap((tag, i) => checkTag(tag, indexPath("filter.tags", i))),
    ...checkMaxItems(filter.labels, MAX_TAGS, "filter.labels"),
    ...filter.labels.flatMap((label, i) => checkLabel(label, indexPath("filter.labels", i))),
  ];
}

function validateDiffMcpVersions(m: DiffMcpVersionsRequest): FieldViolation[] {
  return [
    ...checkMcpOneof(m.mcp),
    ...checkVersion(m.fromVersion, "from_version"),
    ...checkVersion(m.toVersion, "to_version"),
  ];
}

function validateSetMcpLabel(m: SetMcpLabelRequest): FieldViolation[] {
  return [
    ...checkMcpOneof(m.mcp),
    ...checkLabel(m.label, "label", { settable: true }),
    ...checkVersion(m.version, "version"),
    ...checkNote(m.reason, "reason"),
  ];
}

function validateDeleteMcpLabel(m: DeleteMcpLabelRequest): FieldViolation[] {
  return [
    ...checkMcpOneof(m.mcp),
    ...checkLabel(m.label, "label", { settable: true }),
    ...checkNote(m.reason, "reason"),
  ];
}

function validateListMcpLabelMoves(m: ListMcpLabelMovesRequest): FieldViolation[] {
  return [
    ...checkMcpOneof(m.mcp),
    ...(m.label === "" ? [] : checkLabel(m.label, "label")),
    ...checkPageSize(m.pageSize),
  ];
}

function validateDeprecateMcpVersion(m: DeprecateMcpVersionRequest): FieldViolation[] {
  return [
    ...checkMcpOneof(m.mcp),
    ...checkVersion(m.version, "version"),
    ...checkRequired(m.message.trim(), "message"),
    ...checkMaxLength(m.message, MAX_NOTE_LENGTH, "message"),
  ];
}
