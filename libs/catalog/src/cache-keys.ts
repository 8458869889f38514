import type { CatalogDefinitionRow, CatalogVersionRow } from "@mcp/db";

/**
 * Where a kind's rows are cached: `<prefix>:def:<workspace>:id:<id>`, `<prefix>:def:<workspace>:name:<key>`,
 * `<prefix>:ver:<id>:<n>`. Definitions are keyed by workspace, so one workspace's lookup never finds
 * another's row (docs/adr/021); a version is reached only through its definition (ids are UUIDs).
 */
export interface CatalogCacheKeys {
  byId(workspace: string, id: string): string;
  byName(workspace: string, nameKey: string): string;
  version(id: string, version: number): string;
}

export function catalogCacheKeys(prefix: string): CatalogCacheKeys {
  return {
    byId: (workspace, id) => `${prefix}:def:${workspace}:id:${id}`,
    byName: (workspace, nameKey) => `${prefix}:def:${workspace}:name:${nameKey}`,
    version: (id, version) => `${prefix}:ver:${id}:${version}`,
  };
}

/** Definitions ("current pointers") are invalidated on every write; the TTL only bounds a missed invalidation. */
export const DEFINITION_TTL_SECONDS = 300;
/** Versions are immutable (a kind that changes one, as deprecation does, invalidates it). */
export const VERSION_TTL_SECONDS = 24 * 3600;

/** A row as cached: JSON, dates as ISO strings. */
export type CachedRow = Record<string, unknown>;

/** A row as a JSON-safe cache value (`null` for "none", which is cached too: a short-lived negative entry). */
export function toCached(row: object | null): CachedRow | null {
  return row === null ? null : (JSON.parse(JSON.stringify(row)) as CachedRow);
}

const DEFINITION_DATES = ["createdAt", "updatedAt", "deletedAt"] as const;

/** Rebuilds a definition from its cached JSON. */
export function reviveDefinition<D extends CatalogDefinitionRow>(json: CachedRow): D {
  return revive<D>(json, DEFINITION_DATES);
}

/** Rebuilds a version from its cached JSON; `dates` are its date fields besides `createdAt`. */
export function reviveVersion<V extends CatalogVersionRow>(json: CachedRow, dates: readonly string[]): V {
  return revive<V>(json, ["createdAt", ...dates]);
}

function revive<T>(json: CachedRow, dates: readonly string[]): T {
  const row = { ...json };
  for (const field of dates) {
    const value = json[field];
    row[field] = typeof value === "string" && value !== "" ? new Date(value) : null;
  }
  return row as T;
}
