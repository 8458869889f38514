import type { FieldViolation } from "@mcp/errors";
import {
  CreateWorkflowRequestSchema,
  DeleteWorkflowRequestSchema,
  GetWorkflowRequestSchema,
  ListMcpUsagesRequestSchema,
  ListWorkflowsRequestSchema,
  ListWorkflowVersionsRequestSchema,
  SetCurrentWorkflowVersionRequestSchema,
  UpdateWorkflowRequestSchema,
  ValidateWorkflowRequestSchema,
  type CreateWorkflowRequest,
  type GetWorkflowRequest,
  type ListMcpUsagesRequest,
  type ListWorkflowsRequest,
  type SetCurrentWorkflowVersionRequest,
  type UpdateWorkflowRequest,
  type ValidateWorkflowRequest,
} from "@mcp/proto/workflows";
import { validationTable, type ValidationTable } from "@mcp/runtime";
import {
  checkDescription,
  checkMcpOneof,
  checkName,
  checkNote,
  checkPageSize,
  checkTag,
  checkTags,
  checkVersion,
  violation,
} from "@mcp/validation";

/** The `workflow` oneof (id or name) is required and well-formed; same rules as the registry's `mcp`. */
const checkWorkflow = (w: GetWorkflowRequest["workflow"], base = "") =>
  checkMcpOneof(w, base).map((v) => ({
    field: v.field.replace(/(^|\.)mcp$/, "$1workflow"),
    description: v.description.replace("an MCP id or name", "a workflow id or name"),
  }));

const UPDATE_PATHS = ["description", "tags", "spec"];

/**
 * Input rules of every WorkflowService request, run once by the validation interceptor. The spec's
 * own rules are checked by the catalogue (so ValidateWorkflow can report them instead of failing).
 */
export const workflowValidation: ValidationTable = validationTable([
  [
    CreateWorkflowRequestSchema,
    (m: CreateWorkflowRequest): FieldViolation[] => [
      ...checkName(m.name, "name"),
      ...checkDescription(m.description),
      ...checkTags(m.tags),
      ...checkNote(m.changeNote, "change_note"),
      ...(m.spec ? [] : [violation("spec", "is required")]),
    ],
  ],
  [
    GetWorkflowRequestSchema,
    (m: GetWorkflowRequest) => [
      ...checkWorkflow(m.workflow),
      ...(m.selector.case === "version" ? checkVersion(m.selector.value, "version") : []),
    ],
  ],
  [
    ListWorkflowsRequestSchema,
    (m: ListWorkflowsRequest) => [
      ...checkPageSize(m.pageSize),
      ...(m.filter?.tag ? checkTag(m.filter.tag, "filter.tag") : []),
    ],
  ],
  [
    UpdateWorkflowRequestSchema,
    (m: UpdateWorkflowRequest) => [
      ...checkWorkflow(m.workflow),
      ...checkDescription(m.description),
      ...checkTags(m.tags),
      ...checkNote(m.changeNote, "change_note"),
      ...(m.updateMask?.paths ?? []).flatMap((p, i) =>
        UPDATE_PATHS.includes(p)
          ? []
          : [violation(`update_mask.paths[${i}]`, `"${p}" is not updatable; use ${UPDATE_PATHS.join(", ")}`)],
      ),
      ...((m.updateMask?.paths ?? []).includes("spec") && !m.spec
        ? [violation("spec", "is required when update_mask names it")]
        : []),
    ],
  ],
  [
    DeleteWorkflowRequestSchema,
    (m: { workflow: GetWorkflowRequest["workflow"] }) => checkWorkflow(m.workflow),
  ],
  [
    ListWorkflowVersionsRequestSchema,
    (m: { workflow: GetWorkflowRequest["workflow"]; pageSize: number }) => [
      ...checkWorkflow(m.workflow),
      ...checkPageSize(m.pageSize),
    ],
  ],
  [
    SetCurrentWorkflowVersionRequestSchema,
    (m: SetCurrentWorkflowVersionRequest) => [
      ...checkWorkflow(m.workflow),
      ...(m.version < 0
        ? [violation("version", "must be a version number, or 0 to follow the latest version")]
        : []),
    ],
  ],
  [
    ValidateWorkflowRequestSchema,
    (m: ValidateWorkflowRequest): FieldViolation[] => {
      if (m.target.case === "spec") return [];
      if (m.target.case === "workflow") {
        const v = m.target.value.version;
        return [
          ...checkWorkflow(m.target.value.workflow, "workflow"),
          ...(v !== undefined ? checkVersion(v, "workflow.version") : []),
        ];
      }
      return [violation("target", "give a spec or a workflow reference")];
    },
  ],
  [
    ListMcpUsagesRequestSchema,
    (m: ListMcpUsagesRequest) => [...checkMcpOneof(m.mcp), ...checkPageSize(m.pageSize)],
  ],
]);
