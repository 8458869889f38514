import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { WorkflowDefinitionEntity, WorkflowVersionEntity } from "@mcp/db";
import {
  WorkflowSchema,
  WorkflowVersionSchema,
  type Workflow,
  type WorkflowVersion,
} from "@mcp/proto/workflows";
import { etagOf } from "@mcp/versioning";
import { specFromJson } from "./content.js";

/** The API form of a workflow definition. */
export function toWorkflow(def: WorkflowDefinitionEntity): Workflow {
  return create(WorkflowSchema, {
    id: def.id,
    name: def.name,
    description: def.description,
    tags: def.tags,
    latestVersion: def.latestVersion,
    currentVersion: def.currentVersion,
    currentVersionPinned: def.currentVersionPinned,
    etag: etagOf(def.rowVersion),
    createTime: timestampFromDate(def.createdAt),
    updateTime: timestampFromDate(def.updatedAt),
    deleteTime: def.deletedAt ? timestampFromDate(def.deletedAt) : undefined,
  });
}

/** The API form of a workflow version. */
export function toWorkflowVersion(
  row: WorkflowVersionEntity,
  def: WorkflowDefinitionEntity,
): WorkflowVersion {
  return create(WorkflowVersionSchema, {
    workflowId: row.workflowId,
    workflowName: def.name,
    version: row.version,
    spec: specFromJson(row.spec),
    contentHash: row.contentHash,
    changeNote: row.changeNote,
    createTime: timestampFromDate(row.createdAt),
  });
}
