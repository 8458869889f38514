import type { WorkflowDefinitionEntity, WorkflowVersionEntity } from "@mcp/db";

/** Cache keys and lifetimes of the workflows service. Versions are immutable; definitions are invalidated on write. */
export const cacheKeys = {
  byId: (id: string) => `wf:def:id:${id}`,
  byName: (nameKey: string) => `wf:def:name:${nameKey}`,
  version: (id: string, version: number) => `wf:ver:${id}:${version}`,
};

export const DEFINITION_TTL_SECONDS = 300;
export const VERSION_TTL_SECONDS = 24 * 3600;

/** A definition as cached (dates as ISO strings). */
export type CachedDefinition = Omit<WorkflowDefinitionEntity, "createdAt" | "updatedAt" | "deletedAt"> & {
  createdAt: string;
  updatedAt: string;
  deletedAt: string | null;
};
/** A version as cached. */
export type CachedVersion = Omit<WorkflowVersionEntity, "createdAt"> & { createdAt: string };

export function reviveDefinition(json: CachedDefinition): WorkflowDefinitionEntity {
  return {
    ...json,
    createdAt: new Date(json.createdAt),
    updatedAt: new Date(json.updatedAt),
    deletedAt: json.deletedAt ? new Date(json.deletedAt) : null,
  };
}

export function reviveVersion(json: CachedVersion): WorkflowVersionEntity {
  return { ...json, createdAt: new Date(json.createdAt) };
}

/** An entity as a JSON-safe cache value (`null` is cached too, as a negative entry). */
export function toCached<T>(row: object | null): T | null {
  return row === null ? null : (JSON.parse(JSON.stringify(row)) as T);
}
