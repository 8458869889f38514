import type { DataSource, SelectQueryBuilder } from "typeorm";
import { CatalogQueries } from "../catalog/catalog-queries.js";
import type { McpDefinitionEntity } from "../entities/mcp-definition.entity.js";
import { McpLabelMoveEntity } from "../entities/mcp-label-move.entity.js";
import type { McpVersionEntity } from "../entities/mcp-version.entity.js";
import { dbCall } from "../errors.js";
import {
  countFacets,
  facetConditions,
  latestDeprecated,
  type McpFacetCounts,
  type McpListFilter,
} from "./mcp-facets.js";
import { MCP_CATALOG } from "./mcp-store.js";

/** Counts over live MCPs, from their latest versions. */
export interface McpStats {
  readonly totalMcps: number;
  readonly byType: Record<string, number>;
  readonly byModel: Record<string, number>;
  readonly totalVersions: number;
  readonly deprecatedVersions: number;
}

/**
 * Read-only MCP queries: the catalogue's (by id, live name, version; keyset pages) plus the facet
 * filters and counts, label moves, stats and which workflows use an MCP. Connection failures become
 * UNAVAILABLE.
 */
export class McpQueries extends CatalogQueries<McpDefinitionEntity, McpVersionEntity, McpListFilter> {
  constructor(dataSource: DataSource) {
    super(dataSource, MCP_CATALOG);
  }

  protected override narrow(q: SelectQueryBuilder<McpDefinitionEntity>, filter: McpListFilter): void {
    for (const [sql, params] of facetConditions(filter)) q.andWhere(sql, params);
  }

  /** MCPs per facet value under `filter` (see {@link countFacets}). */
  facets(filter: McpListFilter): Promise<McpFacetCounts> {
    return countFacets(this.dataSource, filter);
  }

  /** Ids among `ids` whose latest version is deprecated. */
  latestDeprecated(ids: readonly string[]): Promise<Set<string>> {
    return latestDeprecated(this.dataSource, ids);
  }

  /** Label moves newest first, before the move id `before` when given. */
  listLabelMoves(
    mcpId: string,
    label: string | undefined,
    before: string | undefined,
    limit: number,
  ): Promise<McpLabelMoveEntity[]> {
    return dbCall(() => {
      const q = this.dataSource
        .getRepository(McpLabelMoveEntity)
        .createQueryBuilder("m")
        .where("m.mcp_id = :mcpId", { mcpId });
      if (label) q.andWhere("m.label = :label", { label });
      if (before !== undefined) q.andWhere("m.id < :before", { before });
      return q.orderBy("m.id", "DESC").limit(limit).getMany();
    });
  }

  /** Counts over `workspace`'s live MCPs. */
  async stats(workspace: string): Promise<McpStats> {
    return dbCall(async () => {
      const byType = await this.dataSource.query<{ type: string; n: number; model: string | null }[]>(
        `SELECT d.type, count(*)::int AS n,
                COALESCE(v.config->'llm_prompt'->>'model', v.config->'ai_assistant'->>'model') AS model
           FROM mcp_definitions d JOIN mcp_versions v ON v.mcp_id = d.id AND v.version = d.latest_version
          WHERE d.workspace = $1 AND d.deleted_at IS NULL
          GROUP BY d.type, model`,
        [workspace],
      );
      const versions = await this.dataSource.query<{ total: number; deprecated: number }[]>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE v.deprecated)::int AS deprecated
           FROM mcp_versions v JOIN mcp_definitions d ON d.id = v.mcp_id
          WHERE d.workspace = $1 AND d.deleted_at IS NULL`,
        [workspace],
      );
      const stats = {
        totalMcps: 0,
        byType: {} as Record<string, number>,
        byModel: {} as Record<string, number>,
      };
      for (const row of byType) {
        stats.totalMcps += row.n;
        stats.byType[row.type] = (stats.byType[row.type] ?? 0) + row.n;
        if (row.model) stats.byModel[row.model] = (stats.byModel[row.model] ?? 0) + row.n;
      }
      return {
        ...stats,
        totalVersions: versions[0]?.total ?? 0,
        deprecatedVersions: versions[0]?.deprecated ?? 0,
      };
    });
  }

  /**
   * Names of live workflows of `workspace` whose CURRENT version uses the MCP (by id or by
   * case-insensitive name), at most `limit`. Workflows reference MCPs of their own workspace only.
   */
  workflowsUsing(workspace: string, mcpId: string, nameKey: string, limit = 20): Promise<string[]> {
    return dbCall(async () => {
      const rows = await this.dataSource.query<{ name: string }[]>(
        `SELECT w.name FROM workflow_definitions w
           JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version
          WHERE w.workspace = $3 AND w.deleted_at IS NULL AND v.mcp_refs && $1::text[]
          ORDER BY w.name_key LIMIT $2`,
        [[`id:${mcpId}`, `name:${nameKey}`], limit, workspace],
      );
      return rows.map((r) => r.name);
    });
  }
}
