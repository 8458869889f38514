import { cached, type Cache } from "@mcp/coordination";
import type { McpDefinitionEntity, McpQueries, McpVersionEntity } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import {
  cacheKeys,
  DEFINITION_TTL_SECONDS,
  reviveDefinition,
  reviveVersion,
  VERSION_TTL_SECONDS,
  type CachedDefinition,
  type CachedVersion,
} from "./cache-keys.js";

/** How a request names an MCP: the `mcp` oneof of the registry's requests. */
export type McpKey =
  { case: "id"; value: string } | { case: "name"; value: string } | { case: undefined; value?: undefined };

/** Which version a request wants: the `selector` oneof; unset = latest. */
export type VersionSelector =
  | { case: "version"; value: number }
  | { case: "label"; value: string }
  | { case: undefined; value?: undefined };

/** Reads definitions and versions through the cache (read-through; writers invalidate). */
export class McpReader {
  constructor(
    private readonly queries: McpQueries,
    private readonly cache: Cache,
  ) {}

  /**
   * The MCP a request names. By id, a deleted MCP is found too (its versions stay readable);
   * by name, only a live one. NOT_FOUND otherwise.
   */
  async definition(key: McpKey, options: { live?: boolean } = {}): Promise<McpDefinitionEntity> {
    const def = await this.lookup(key);
    if (!def || (options.live && def.deletedAt)) {
      throw new NotFoundError("mcp", key.value ?? "", def?.deletedAt ? "it was deleted" : undefined);
    }
    return def;
  }

  /** A version of `def`; NOT_FOUND naming the MCP and the version when it does not exist. */
  async version(def: McpDefinitionEntity, version: number): Promise<McpVersionEntity> {
    const json = await cached<CachedVersion | null>(
      this.cache,
      cacheKeys.version(def.id, version),
      VERSION_TTL_SECONDS,
      async () => toCached(await this.queries.findVersion(def.id, version)),
    );
    if (!json)
      throw new NotFoundError(
        "mcp version",
        `${def.name}@${version}`,
        `versions run from 1 to ${def.latestVersion}`,
      );
    return reviveVersion(json);
  }

  /** The version number a selector picks: a number, a label's target, or the latest. */
  selectVersion(def: McpDefinitionEntity, selector: VersionSelector): number {
    if (selector.case === "version") return selector.value;
    if (selector.case === "label") {
      const target = def.labels[selector.value];
      if (target === undefined) {
        const known = Object.keys(def.labels).sort().join(", ");
        throw new NotFoundError("mcp label", `${def.name}@${selector.value}`, `labels are: ${known}`);
      }
      return target;
    }
    return def.latestVersion;
  }

  private async lookup(key: McpKey): Promise<McpDefinitionEntity | undefined> {
    if (key.case === undefined) return undefined;
    const json =
      key.case === "id"
        ? await cached<CachedDefinition | null>(
            this.cache,
            cacheKeys.byId(key.value),
            DEFINITION_TTL_SECONDS,
            async () => toCached(await this.queries.findById(key.value)),
          )
        : await cached<CachedDefinition | null>(
            this.cache,
            cacheKeys.byName(key.value.toLowerCase()),
            DEFINITION_TTL_SECONDS,
            async () => toCached(await this.queries.findLiveByName(key.value.toLowerCase())),
          );
    return json ? reviveDefinition(json) : undefined;
  }
}

/** Entities as JSON-safe cache values (`null` for "none", which is cached too: a short-lived negative entry). */
function toCached<T extends object>(row: T | null): never {
  return (row === null ? null : JSON.parse(JSON.stringify(row))) as never;
}
