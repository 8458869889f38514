import type { DataSource, FindOptionsWhere, SelectQueryBuilder } from "typeorm";
import { dbCall } from "../errors.js";
import type { CatalogDefinitionRow, CatalogKind, CatalogVersionRow } from "./catalog-kind.js";

/** The filters every kind's List has; unset fields do not filter. A kind adds its own (see `narrow`). */
export interface CatalogListFilter {
  /** The workspace listed: a list never crosses workspaces (docs/adr/021). */
  readonly workspace: string;
  readonly tag?: string;
  /** Case-insensitive substring of the name or description. */
  readonly text?: string;
  readonly showDeleted?: boolean;
}

/** Escapes `%`, `_` and `\` for a LIKE pattern. */
const likeEscape = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** One SQL condition over the definition alias `d`, with its named parameters. */
export type SqlCondition = readonly [sql: string, params: Record<string, unknown>];

/** The conditions of the filters every kind has (deleted, tag, text), over the definition alias `d`. */
export function catalogConditions(filter: CatalogListFilter): SqlCondition[] {
  const out: SqlCondition[] = [["d.workspace = :workspace", { workspace: filter.workspace }]];
  if (!filter.showDeleted) out.push(["d.deleted_at IS NULL", {}]);
  if (filter.tag) out.push(["d.tags @> CAST(ARRAY[:tag] AS text[])", { tag: filter.tag }]);
  if (filter.text) {
    out.push(["(d.name ILIKE :text OR d.description ILIKE :text)", { text: `%${likeEscape(filter.text)}%` }]);
  }
  return out;
}

/**
 * Read-only queries of one kind's tables. Every list is keyset-paginated; connection failures become
 * UNAVAILABLE. In `list`, the definition table's alias is `d`; a kind with filters of its own
 * overrides `narrow` to add them.
 */
export class CatalogQueries<
  D extends CatalogDefinitionRow,
  V extends CatalogVersionRow,
  F extends CatalogListFilter = CatalogListFilter,
> {
  constructor(
    protected readonly dataSource: DataSource,
    readonly kind: CatalogKind<D, V>,
  ) {}

  /** The definition of `workspace` with this id (live or deleted); one of another workspace is not found. */
  findById(workspace: string, id: string): Promise<D | null> {
    return dbCall(() =>
      this.dataSource.getRepository(this.kind.definition).findOneBy({ id, workspace } as FindOptionsWhere<D>),
    );
  }

  findLiveByName(workspace: string, nameKey: string): Promise<D | null> {
    return dbCall(() =>
      this.dataSource
        .getRepository(this.kind.definition)
        .createQueryBuilder("d")
        .where("d.workspace = :workspace AND d.name_key = :nameKey AND d.deleted_at IS NULL", {
          workspace,
          nameKey,
        })
        .getOne(),
    );
  }

  findVersion(definitionId: string, version: number): Promise<V | null> {
    return dbCall(() =>
      this.dataSource
        .getRepository(this.kind.version)
        .findOneBy({ [this.kind.versionOwner]: definitionId, version } as FindOptionsWhere<V>),
    );
  }

  /** Versions newest first, after the version `before` (exclusive) when given. */
  listVersions(definitionId: string, before: number | undefined, limit: number): Promise<V[]> {
    return dbCall(() => {
      const q = this.dataSource
        .getRepository(this.kind.version)
        .createQueryBuilder("v")
        .where(`v.${this.ownerColumn()} = :definitionId`, { definitionId });
      if (before !== undefined) q.andWhere("v.version < :before", { before });
      return q.orderBy("v.version", "DESC").limit(limit).getMany();
    });
  }

  /** Definitions ordered by (name_key, id), after the keyset `after` when given. */
  list(filter: F, after: readonly [string, string] | undefined, limit: number): Promise<D[]> {
    return dbCall(() => {
      const q = this.dataSource.getRepository(this.kind.definition).createQueryBuilder("d");
      for (const [sql, params] of catalogConditions(filter)) q.andWhere(sql, params);
      this.narrow(q, filter);
      if (after)
        q.andWhere("(d.name_key, d.id) > (:afterName, :afterId)", { afterName: after[0], afterId: after[1] });
      return q.orderBy("d.name_key", "ASC").addOrderBy("d.id", "ASC").limit(limit).getMany();
    });
  }

  /** The version table's column holding the definition's id, e.g. `mcp_id`. */
  private ownerColumn(): string {
    const { version, versionOwner } = this.kind;
    const column = this.dataSource.getMetadata(version).findColumnWithPropertyName(versionOwner);
    if (!column) throw new Error(`${this.kind.noun} versions have no column for "${versionOwner}"`);
    return column.databaseName;
  }

  /** The kind's own list filters (the definition's alias is `d`); none by default. */
  protected narrow(_query: SelectQueryBuilder<D>, _filter: F): void {}
}
