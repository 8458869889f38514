import type { DataSource } from "typeorm";
import type { CatalogKind } from "../catalog/catalog-kind.js";
import { CatalogStore } from "../catalog/catalog-store.js";
import { WorkflowDefinitionEntity } from "../entities/workflow-definition.entity.js";
import { WorkflowVersionEntity } from "../entities/workflow-version.entity.js";

/** Workflows as a versioned kind: `workflow_definitions`, `workflow_versions`, `workflow_name_versions`. */
export const WORKFLOW_CATALOG: CatalogKind<WorkflowDefinitionEntity, WorkflowVersionEntity> = {
  noun: "workflow",
  definition: WorkflowDefinitionEntity,
  version: WorkflowVersionEntity,
  versionOwner: "workflowId",
  counterTable: "workflow_name_versions",
  liveNameIndex: "workflow_definitions_live_name_key",
  mutableColumns: ["currentVersion", "currentVersionPinned"],
};

/** Opens workflow write transactions (the catalogue's writes only); failures become UNAVAILABLE. */
export class WorkflowStore extends CatalogStore<WorkflowDefinitionEntity, WorkflowVersionEntity> {
  constructor(dataSource: DataSource) {
    super(dataSource, WORKFLOW_CATALOG);
  }
}
