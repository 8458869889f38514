import type { McpDefinitionEntity, McpVersionEntity } from "@mcp/db";

/** Cache keys and lifetimes of the registry. Versions are immutable but for deprecation, so they live long. */
export const cacheKeys = {
  byId: (id: string) => `mcp:def:id:${id}`,
  byName: (nameKey: string) => `mcp:def:name:${nameKey}`,
  version: (id: string, version: number) => `mcp:ver:${id}:${version}`,
};

/** Definitions ("current pointers") are invalidated on every write; the TTL only bounds a missed invalidation. */
export const DEFINITION_TTL_SECONDS = 300;
/** Versions only change when (un)deprecated, which invalidates them. */
export const VERSION_TTL_SECONDS = 24 * 3600;

type Dated<T, K extends keyof T> = Omit<T, K> & { [P in K]: string | null };

/** Rebuilds a definition from its cached JSON (dates come back as ISO strings). */
export function reviveDefinition(
  json: Dated<McpDefinitionEntity, "createdAt" | "updatedAt" | "deletedAt">,
): McpDefinitionEntity {
  return {
    ...json,
    createdAt: new Date(json.createdAt ?? 0),
    updatedAt: new Date(json.updatedAt ?? 0),
    deletedAt: json.deletedAt ? new Date(json.deletedAt) : null,
  };
}

/** Rebuilds a version from its cached JSON. */
export function reviveVersion(json: Dated<McpVersionEntity, "createdAt" | "deprecatedAt">): McpVersionEntity {
  return {
    ...json,
    createdAt: new Date(json.createdAt ?? 0),
    deprecatedAt: json.deprecatedAt ? new Date(json.deprecatedAt) : null,
  };
}

export type CachedDefinition = Parameters<typeof reviveDefinition>[0];
export type CachedVersion = Parameters<typeof reviveVersion>[0];
