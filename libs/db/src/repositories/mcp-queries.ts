import type { DataSource } from "typeorm";
import { McpDefinitionEntity } from "../entities/mcp-definition.entity.js";
import { McpLabelMoveEntity } from "../entities/mcp-label-move.entity.js";
import { McpVersionEntity } from "../entities/mcp-version.entity.js";
import { dbCall } from "../errors.js";

/** Filter of {@link McpQueries.list}; unset fields do not filter. */
export interface McpListFilter {
  readonly type?: string;
  readonly tag?: string;
  /** Case-insensitive substring of the name or description. */
  readonly text?: string;
  readonly showDeleted?: boolean;
}

/** Counts over live MCPs, from their latest versions. */
export interface McpStats {
  readonly totalMcps: number;
  readonly byType: Record<string, number>;
  readonly byModel: Record<string, number>;
  readonly totalVersions: number;
  readonly deprecatedVersions: number;
}

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Read-only MCP queries. Every list is keyset-paginated; connection failures become UNAVAILABLE. */
export class McpQueries {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<McpDefinitionEntity | null> {
    return dbCall(() => this.dataSource.getRepository(McpDefinitionEntity).findOneBy({ id }));
  }

  findLiveByName(nameKey: string): Promise<McpDefinitionEntity | null> {
    return dbCall(() =>
      this.dataSource
        .getRepository(McpDefinitionEntity)
        .createQueryBuilder("d")
        .where("d.name_key = :nameKey AND d.deleted_at IS NULL", { nameKey })
        .getOne(),
    );
  }

  findVersion(mcpId: string, version: number): Promise<McpVersionEntity | null> {
    return dbCall(() => this.dataSource.getRepository(McpVersionEntity).findOneBy({ mcpId, version }));
  }

  /** Versions newest first, after the version `before` (exclusive) when given. */
  listVersions(mcpId: string, before: number | undefined, limit: number): Promise<McpVersionEntity[]> {
    return dbCall(() => {
      const q = this.dataSource
        .getRepository(McpVersionEntity)
        .createQueryBuilder("v")
        .where("v.mcp_id = :mcpId", { mcpId });
      if (before !== undefined) q.andWhere("v.version < :before", { before });
      return q.orderBy("v.version", "DESC").limit(limit).getMany();
    });
  }

  /** Definitions ordered by (name_key, id), after the keyset `after` when given. */
  list(
    filter: McpListFilter,
    after: readonly [string, string] | undefined,
    limit: number,
  ): Promise<McpDefinitionEntity[]> {
    return dbCall(() => {
      const q = this.dataSource.getRepository(McpDefinitionEntity).createQueryBuilder("d");
      if (!filter.showDeleted) q.andWhere("d.deleted_at IS NULL");
      if (filter.type) q.andWhere("d.type = :type", { type: filter.type });
      if (filter.tag) q.andWhere(":tag = ANY(d.tags)", { tag: filter.tag });
      if (filter.text) {
        q.andWhere("(d.name ILIKE :text OR d.description ILIKE :text)", {
          text: `%${likeEscape(filter.text)}%`,
        });
      }
      if (after)
        q.andWhere("(d.name_key, d.id) > (:afterName, :afterId)", { afterName: after[0], afterId: after[1] });
      return q.orderBy("d.name_key", "ASC").addOrderBy("d.id", "ASC").limit(limit).getMany();
    });
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

  async stats(): Promise<McpStats> {
    return dbCall(async () => {
      const byType = await this.dataSource.query<{ type: string; n: number; model: string | null }[]>(
        `SELECT d.type, count(*)::int AS n,
                COALESCE(v.config->'llm_prompt'->>'model', v.config->'ai_assistant'->>'model') AS model
           FROM mcp_definitions d JOIN mcp_versions v ON v.mcp_id = d.id AND v.version = d.latest_version
          WHERE d.deleted_at IS NULL
          GROUP BY d.type, model`,
      );
      const versions = await this.dataSource.query<{ total: number; deprecated: number }[]>(
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE v.deprecated)::int AS deprecated
           FROM mcp_versions v JOIN mcp_definitions d ON d.id = v.mcp_id WHERE d.deleted_at IS NULL`,
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
   * Names of live workflows whose CURRENT version uses the MCP (by id or by case-insensitive name),
   * at most `limit`.
   */
  workflowsUsing(mcpId: string, nameKey: string, limit = 20): Promise<string[]> {
    return dbCall(async () => {
      const rows = await this.dataSource.query<{ name: string }[]>(
        `SELECT w.name FROM workflow_definitions w
           JOIN workflow_versions v ON v.workflow_id = w.id AND v.version = w.current_version
          WHERE w.deleted_at IS NULL AND v.mcp_refs && $1::text[]
          ORDER BY w.name_key LIMIT $2`,
        [[`id:${mcpId}`, `name:${nameKey}`], limit],
      );
      return rows.map((r) => r.name);
    });
  }
}
