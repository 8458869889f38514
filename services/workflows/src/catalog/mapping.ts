import { definitionMessage, versionMessage } from "@mcp/catalog";
import type { WorkflowDefinitionEntity, WorkflowVersionEntity } from "@mcp/db";
import {
  WorkflowSchema,
  WorkflowVersionSchema,
  type Workflow,
  type WorkflowVersion,
} from "@mcp/proto/workflows";
import { specFromJson } from "./content.js";

/** The API form of a workflow definition. */
export function toWorkflow(def: WorkflowDefinitionEntity): Workflow {
  return definitionMessage(WorkflowSchema, def, {
    currentVersion: def.currentVersion,
    currentVersionPinned: def.currentVersionPinned,
  });
}

/** The API form of a workflow version. */
export function toWorkflowVersion(
  row: WorkflowVersionEntity,
  def: WorkflowDefinitionEntity,
): WorkflowVersion {
  return versionMessage(WorkflowVersionSchema, row, {
    workflowId: row.workflowId,
    workflowName: def.name,
    spec: specFromJson(row.spec),
  });
}
