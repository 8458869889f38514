import type { DataSource, SelectQueryBuilder } from "typeorm";
import { CatalogQueries, type CatalogListFilter } from "../catalog/catalog-queries.js";
import type { WorkflowDefinitionEntity } from "../entities/workflow-definition.entity.js";
import type { JsonObject } from "../entities/mcp-version.entity.js";
import type { WorkflowVersionEntity } from "../entities/workflow-version.entity.js";
import { dbCall } from "../errors.js";
import { WORKFLOW_CATALOG } from "./workflow-store.js";

/** A workflow version whose spec refers to an MCP, with its workflow's identity and pointers. */
export interface WorkflowVersionUsingMcp {
  readonly workflowId: string;
  readonly workflowName: string;
  readonly nameKey: string;
  readonly version: number;
  readonly currentVersion: number;
  readonly latestVersion: number;
  readonly spec: JsonObject;
}

/** Filter of {@link WorkflowQueries.list}; unset fields do not filter. */
export interface WorkflowListFilter extends CatalogListFilter {
  /** `mcp_refs` entries (`id:<uuid>`, `name:<key>`); matches when the latest or current version has any. */
  readonly usesMcp?: readonly string[];
}

/** Read-only workflow queries: the catalogue's, plus the "uses this MCP" filter and usages. */
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

  /**
   * Versions of live workflows whose spec refers to any of `refs` (`mcp_refs`, GIN index), ordered by
   * workflow name, then newest version first, after the keyset `after` = [name_key, workflow id,
   * version]; only each workflow's current version with `currentOnly`.
   */
  versionsUsing(
    refs: readonly string[],
    currentOnly: boolean,
    after: readonly [string, string, number] | undefined,
    limit: number,
  ): Promise<WorkflowVersionUsingMcp[]> {
    return dbCall(() =>
      this.dataSource.query<WorkflowVersionUsingMcp[]>(
        `SELECT d.id AS "workflowId", d.name AS "workflowName", d.name_key AS "nameKey",
                v.version, d.current_version AS "currentVersion", d.latest_version AS "latestVersion", v.spec
           FROM workflow_versions v JOIN workflow_definitions d ON d.id = v.workflow_id
          WHERE d.deleted_at IS NULL AND v.mcp_refs && $1::text[]
            ${currentOnly ? "AND v.version = d.current_version" : ""}
            AND ($2::text IS NULL OR (d.name_key, d.id, -v.version) > ($2::text, $3::uuid, -$4::int))
          ORDER BY d.name_key, d.id, v.version DESC
          LIMIT $5`,
        [refs, after?.[0] ?? null, after?.[1] ?? null, after?.[2] ?? null, limit],
      ),
    );
  }
}
