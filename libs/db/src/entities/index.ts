import { ApiKeyEntity } from "./api-key.entity.js";
import { UserEntity } from "./user.entity.js";
import { AuditEventEntity } from "./audit-event.entity.js";
import { WorkspaceMemberEntity } from "./workspace-member.entity.js";
import { McpDefinitionEntity } from "./mcp-definition.entity.js";
import { McpLabelMoveEntity } from "./mcp-label-move.entity.js";
import { McpVersionEntity } from "./mcp-version.entity.js";
import { SecretEntity } from "./secret.entity.js";
import { ScheduleEntity } from "./schedule.entity.js";
import { ScheduleTickEntity } from "./schedule-tick.entity.js";
import { RunSignalEntity } from "./run-signal.entity.js";
import { McpNameCounterEntity, WorkflowNameCounterEntity } from "./name-counter.entity.js";
import { StepRunEntity } from "./step-run.entity.js";
import { WorkflowDefinitionEntity } from "./workflow-definition.entity.js";
import { WebhookTriggerEntity } from "./webhook-trigger.entity.js";
import { WorkflowRunEntity } from "./workflow-run.entity.js";
import { WorkflowVersionEntity } from "./workflow-version.entity.js";
import { WorkspaceEntity } from "./workspace.entity.js";

export {
  ApiKeyEntity,
  UserEntity,
  McpDefinitionEntity,
  McpLabelMoveEntity,
  McpVersionEntity,
  McpNameCounterEntity,
  WorkflowNameCounterEntity,
  StepRunEntity,
  WorkflowDefinitionEntity,
  WorkflowRunEntity,
  WorkflowVersionEntity,
  SecretEntity,
  RunSignalEntity,
  WebhookTriggerEntity,
  ScheduleEntity,
  ScheduleTickEntity,
  WorkspaceMemberEntity,
  AuditEventEntity,
  WorkspaceEntity,
};
export { CatalogDefinitionColumns, CatalogVersionColumns, NameCounterColumns } from "./catalog-columns.js";
export type { LabelMap } from "./mcp-definition.entity.js";
export type { JsonObject, JsonValue } from "./mcp-version.entity.js";
export type { RunStatusName } from "./workflow-run.entity.js";
export type { StepStatusName } from "./step-run.entity.js";
export type { TickOutcomeName } from "./schedule-tick.entity.js";

/** Every entity of the platform, in one list for the DataSource. */
export const ENTITIES = [
  McpDefinitionEntity,
  McpVersionEntity,
  McpLabelMoveEntity,
  McpNameCounterEntity,
  WorkflowNameCounterEntity,
  WorkflowDefinitionEntity,
  WorkflowVersionEntity,
  WorkflowRunEntity,
  StepRunEntity,
  ApiKeyEntity,
  UserEntity,
  SecretEntity,
  RunSignalEntity,
  WebhookTriggerEntity,
  ScheduleEntity,
  ScheduleTickEntity,
  WorkspaceMemberEntity,
  AuditEventEntity,
  WorkspaceEntity,
] as const;
