import type { DataSource } from "typeorm";
import { WorkflowDefinitionEntity } from "../entities/workflow-definition.entity.js";
import { WorkflowVersionEntity } from "../entities/workflow-version.entity.js";
import { dbCall } from "../errors.js";

/** Filter of {@link WorkflowQueries.list}; unset fields do not filter. */
export interface WorkflowListFilter {
  readonly tag?: string;
  /** Case-insensitive substring of the name or description. */
  readonly text?: string;
  /** `mcp_refs` entries (`id:<uuid>`, `name:<key>`); matches when the latest or current version has any. */
  readonly usesMcp?: readonly string[];
  readonly showDeleted?: boolean;
}

const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Read-only workflow queries, keyset-paginated; connection failures become UNAVAILABLE. */
export class WorkflowQueries {
  constructor(private readonly dataSource: DataSource) {}

  findById(id: string): Promise<WorkflowDefinitionEntity | null> {
    return dbCall(() => this.dataSource.getRepository(WorkflowDefinitionEntity).findOneBy({ id }));
  }

  findLiveByName(nameKey: string): Promise<WorkflowDefinitionEntity | null> {
    return dbCall(() =>
      this.dataSource
        .getRepository(WorkflowDefinitionEntity)
        .createQueryBuilder("w")
        .where("w.name_key = :nameKey AND w.deleted_at IS NULL", { nameKey })
        .getOne(),
    );
  }

  findVersion(workflowId: string, version: number): Promise<WorkflowVersionEntity | null> {
    return dbCall(() =>
      this.dataSource.getRepository(WorkflowVersionEntity).findOneBy({ workflowId, version }),
    );
  }

  listVersions(
    workflowId: string,
    before: number | undefined,
    limit: number,
  ): Promise<WorkflowVersionEntity[]> {
    return dbCall(() => {
      const q = this.dataSource
        .getRepository(WorkflowVersionEntity)
        .createQueryBuilder("v")
        .where("v.workflow_id = :workflowId", { workflowId });
      if (before !== undefined) q.andWhere("v.version < :before", { before });
      return q.orderBy("v.version", "DESC").limit(limit).getMany();
    });
  }

  list(
    filter: WorkflowListFilter,
    after: readonly [string, string] | undefined,
    limit: number,
  ): Promise<WorkflowDefinitionEntity[]> {
    return dbCall(() => {
      const q = this.dataSource.getRepository(WorkflowDefinitionEntity).createQueryBuilder("w");
      if (!filter.showDeleted) q.andWhere("w.deleted_at IS NULL");
      if (filter.tag) q.andWhere(":tag = ANY(w.tags)", { tag: filter.tag });
      if (filter.text)
        q.andWhere("(w.name ILIKE :text OR w.description ILIKE :text)", {
          text: `%${likeEscape(filter.text)}%`,
        });
      if (filter.usesMcp) {
        q.andWhere(
          `EXISTS (SELECT 1 FROM workflow_versions v WHERE v.workflow_id = w.id
             AND v.version IN (w.latest_version, w.current_version) AND v.mcp_refs && :refs)`,
          { refs: filter.usesMcp },
        );
      }
      if (after)
        q.andWhere("(w.name_key, w.id) > (:afterName, :afterId)", { afterName: after[0], afterId: after[1] });
      return q.orderBy("w.name_key", "ASC").addOrderBy("w.id", "ASC").limit(limit).getMany();
    });
  }
}
