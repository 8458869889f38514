import { cached, ImmutableCache, type Cache } from "@mcp/coordination";
import type { WorkflowDefinitionEntity, WorkflowQueries, WorkflowVersionEntity } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import {
  cacheKeys,
  DEFINITION_TTL_SECONDS,
  reviveDefinition,
  reviveVersion,
  toCached,
  VERSION_TTL_SECONDS,
  type CachedDefinition,
  type CachedVersion,
} from "./cache-keys.js";

/** How a request names a workflow: the `workflow` oneof. */
export type WorkflowKey =
  { case: "id"; value: string } | { case: "name"; value: string } | { case: undefined; value?: undefined };

/**
 * Reads workflow definitions and versions through the cache. Versions never change once written, so
 * they are also kept in process (no round trip for a hot one).
 */
export class WorkflowReader {
  private readonly versions: Cache;

  constructor(
    private readonly queries: WorkflowQueries,
    private readonly cache: Cache,
  ) {
    this.versions = new ImmutableCache(cache);
  }

  /** By id a deleted workflow is found too; by name only a live one. NOT_FOUND otherwise. */
  async definition(key: WorkflowKey, options: { live?: boolean } = {}): Promise<WorkflowDefinitionEntity> {
    let json: CachedDefinition | null = null;
    if (key.case === "id") {
      json = await cached(this.cache, cacheKeys.byId(key.value), DEFINITION_TTL_SECONDS, async () =>
        toCached<CachedDefinition>(await this.queries.findById(key.value)),
      );
    } else if (key.case === "name") {
      const nameKey = key.value.toLowerCase();
      json = await cached(this.cache, cacheKeys.byName(nameKey), DEFINITION_TTL_SECONDS, async () =>
        toCached<CachedDefinition>(await this.queries.findLiveByName(nameKey)),
      );
    }
    if (!json || (options.live && json.deletedAt)) {
      throw new NotFoundError("workflow", key.value ?? "", json?.deletedAt ? "it was deleted" : undefined);
    }
    return reviveDefinition(json);
  }

  /** A version of `def`; NOT_FOUND naming the workflow and version when it does not exist. */
  async version(def: WorkflowDefinitionEntity, version: number): Promise<WorkflowVersionEntity> {
    const json = await cached(
      this.versions,
      cacheKeys.version(def.id, version),
      VERSION_TTL_SECONDS,
      async () => toCached<CachedVersion>(await this.queries.findVersion(def.id, version)),
    );
    if (!json)
      throw new NotFoundError(
        "workflow version",
        `${def.name}@${version}`,
        `versions run from 1 to ${def.latestVersion}`,
      );
    return reviveVersion(json);
  }
}
