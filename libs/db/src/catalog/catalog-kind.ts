import type { CatalogDefinitionColumns, CatalogVersionColumns } from "../entities/catalog-columns.js";

/** A definition row of some kind: the common columns and the kind's own. */
export type CatalogDefinitionRow = CatalogDefinitionColumns;
/** A version row of some kind. */
export type CatalogVersionRow = CatalogVersionColumns;

/**
 * The storage description of one versioned kind (MCPs, workflows, schedules…): what the generic
 * {@link CatalogStore} and {@link CatalogQueries} need to run the same statements on its tables.
 * A new kind declares its two entities (extending `CatalogDefinitionColumns` / `CatalogVersionColumns`),
 * a name counter entity (extending `NameCounterColumns`), their migration, and one of these.
 */
export interface CatalogKind<D extends CatalogDefinitionRow, V extends CatalogVersionRow> {
  /** What errors call one of these, e.g. `mcp`, `workflow`. */
  readonly noun: string;
  readonly definition: new () => D;
  readonly version: new () => V;
  /** The version entity's property holding its definition's id, e.g. `mcpId`. */
  readonly versionOwner: keyof V & string;
  /** The per-name version counter table (docs/adr/003), e.g. `mcp_name_versions`. */
  readonly counterTable: string;
  /** The unique index of live names, e.g. `mcp_definitions_live_name_key`. */
  readonly liveNameIndex: string;
  /** The kind's own definition columns a write may change (besides the common ones). */
  readonly mutableColumns: readonly (keyof D & string)[];
}

/** The common definition columns any write may change; the others (id, name, key, created) never do. */
export const MUTABLE_DEFINITION_COLUMNS = [
  "description",
  "tags",
  "latestVersion",
  "rowVersion",
  "updatedAt",
  "deletedAt",
] as const satisfies readonly (keyof CatalogDefinitionRow)[];
