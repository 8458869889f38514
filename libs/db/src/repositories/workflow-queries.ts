import type { DataSource, SelectQueryBuilder } from "typeorm";
import { CatalogQueries, type CatalogListFilter } from "../catalog/catalog-queries.js";
import type { WorkflowDefinitionEntity } from "../entities/workflow-definition.entity.js";
import type { WorkflowVersionEntity } from "../entities/workflow-version.entity.js";
import { WORKFLOW_CATALOG } from "./workflow-store.js";

/** Filter of {@link WorkflowQueries.list}; unset fields do not filter. */
export interface WorkflowListFilter extends CatalogListFilter {
  /** `mcp_refs` entries (`id:<uuid>`, `name:<key>`); matches when the latest or current version has any. */
  readonly usesMcp?: readonly string[];
}

/** Read-only workflow queries: the catalogue's, plus the "uses this MCP" filter. */
export class WorkflowQueries extends CatalogQueries<
  WorkflowDefinitionEntity,
  WorkflowVersionEntity,
  WorkflowListFilter
> {
  constructor(dataSource: DataSource) {
    super(dataSource, WORKFLOW_CATALOG);
  }

  protected override narrow(
    q: SelectQueryBuilder<WorkflowDefinitionEntity>,
    filter: WorkflowListFilter,
  ): void {
    if (!filter.usesMcp) return;
    q.andWhere(
      `EXISTS (SELECT 1 FROM workflow_versions v WHERE v.workflow_id = d.id
         AND v.version IN (d.latest_version, d.current_version) AND v.mcp_refs && :refs)`,
      { refs: filter.usesMcp },
    );
  }
}
