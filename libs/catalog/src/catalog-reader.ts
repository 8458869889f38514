import { cached, ImmutableCache, type Cache } from "@mcp/coordination";
import type { CatalogDefinitionRow, CatalogQueries, CatalogVersionRow } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import {
  DEFINITION_TTL_SECONDS,
  reviveDefinition,
  reviveVersion,
  toCached,
  VERSION_TTL_SECONDS,
  type CatalogCacheKeys,
} from "./cache-keys.js";
import { nameKeyOf, type CatalogKey } from "./catalog-key.js";

/** The queries a reader needs (a kind's CatalogQueries has them). */
export type DefinitionReads<D extends CatalogDefinitionRow, V extends CatalogVersionRow> = Pick<
  CatalogQueries<D, V>,
  "kind" | "findById" | "findLiveByName" | "findVersion"
>;

/** How a kind's rows are cached. */
export interface ReaderOptions<V extends CatalogVersionRow> {
  readonly keys: CatalogCacheKeys;
  /** The version's date fields besides `createdAt`, e.g. `deprecatedAt`. */
  readonly versionDates?: readonly (keyof V & string)[];
  /**
   * Whether a version never changes once written: then hot versions are also kept in process (no
   * round trip). A kind that changes versions (the registry's deprecation) says false.
   */
  readonly immutableVersions: boolean;
}

/** Reads a kind's definitions and versions through the cache (read-through; the writer invalidates). */
export class CatalogReader<D extends CatalogDefinitionRow, V extends CatalogVersionRow> {
  private readonly versions: Cache;
  private readonly noun: string;

  constructor(
    private readonly queries: DefinitionReads<D, V>,
    private readonly cache: Cache,
    private readonly options: ReaderOptions<V>,
  ) {
    this.versions = options.immutableVersions ? new ImmutableCache(cache) : cache;
    this.noun = queries.kind.noun;
  }

  /**
   * The definition a request names. By id, a deleted one is found too (its versions stay readable);
   * by name, only a live one. Only in `workspace`: another workspace's is NOT_FOUND like a missing one.
   * NOT_FOUND otherwise, and for a deleted one when `live` is asked.
   */
  async definition(workspace: string, key: CatalogKey, options: { live?: boolean } = {}): Promise<D> {
    const def = await this.lookup(workspace, key);
    if (!def || (options.live && def.deletedAt)) {
      throw new NotFoundError(this.noun, key.value ?? "", def?.deletedAt ? "it was deleted" : undefined);
    }
    return def;
  }

  /** A version of `def`; NOT_FOUND naming the definition and the version when it does not exist. */
  async version(def: D, version: number): Promise<V> {
    const json = await cached(
      this.versions,
      this.options.keys.version(def.id, version),
      VERSION_TTL_SECONDS,
      async () => toCached(await this.queries.findVersion(def.id, version)),
    );
    if (!json) throw versionNotFound(this.noun, def, version);
    return reviveVersion<V>(json, this.options.versionDates ?? []);
  }

  private async lookup(workspace: string, key: CatalogKey): Promise<D | undefined> {
    if (key.case === undefined) return undefined;
    const { keys } = this.options;
    const json =
      key.case === "id"
        ? await cached(this.cache, keys.byId(workspace, key.value), DEFINITION_TTL_SECONDS, async () =>
            toCached(await this.queries.findById(workspace, key.value)),
          )
        : await cached(
            this.cache,
            keys.byName(workspace, nameKeyOf(key.value)),
            DEFINITION_TTL_SECONDS,
            async () => toCached(await this.queries.findLiveByName(workspace, nameKeyOf(key.value))),
          );
    return json ? reviveDefinition<D>(json) : undefined;
  }
}

/** NOT_FOUND for a version number `def` does not have, saying which it has. */
export function versionNotFound(noun: string, def: CatalogDefinitionRow, version: number): NotFoundError {
  return new NotFoundError(
    `${noun} version`,
    `${def.name}@${version}`,
    `versions run from 1 to ${def.latestVersion}`,
  );
}
