import type { Cache } from "@mcp/coordination";
import type {
  CatalogDefinitionRow,
  CatalogListFilter,
  CatalogQueries,
  CatalogStore,
  CatalogTransaction,
  CatalogVersionRow,
} from "@mcp/db";
import { catalogCacheKeys } from "./cache-keys.js";
import { CatalogListing } from "./catalog-listing.js";
import { CatalogReader } from "./catalog-reader.js";
import { CatalogWriter } from "./catalog-writer.js";

/** What the kernel needs to serve one kind. */
export interface CatalogOptions<
  D extends CatalogDefinitionRow,
  V extends CatalogVersionRow,
  F extends CatalogListFilter,
  Tx extends CatalogTransaction<D, V>,
> {
  readonly store: CatalogStore<D, V, Tx>;
  readonly queries: CatalogQueries<D, V, F>;
  readonly cache: Cache;
  /** Prefix of the kind's cache keys, e.g. `mcp` (`mcp:def:id:<id>`). */
  readonly cachePrefix: string;
  /** Whether versions never change once written (then hot ones are kept in process too). */
  readonly immutableVersions: boolean;
  /** The version's date fields besides `createdAt`, e.g. `deprecatedAt`. */
  readonly versionDates?: readonly (keyof V & string)[];
  /** What a new version moves besides `latestVersion`, e.g. the `latest` label or the current version. */
  readonly onNewVersion?: (def: D, number: number) => void;
}

/** The kernel's modules for one kind, sharing one set of cache keys. */
export interface Catalog<
  D extends CatalogDefinitionRow,
  V extends CatalogVersionRow,
  F extends CatalogListFilter,
  Tx extends CatalogTransaction<D, V>,
> {
  readonly reader: CatalogReader<D, V>;
  readonly writer: CatalogWriter<D, V, Tx>;
  readonly listing: CatalogListing<D, V, F>;
}

/** Builds the reader, writer and listing of one kind. */
export function createCatalog<
  D extends CatalogDefinitionRow,
  V extends CatalogVersionRow,
  F extends CatalogListFilter,
  Tx extends CatalogTransaction<D, V>,
>(options: CatalogOptions<D, V, F, Tx>): Catalog<D, V, F, Tx> {
  const keys = catalogCacheKeys(options.cachePrefix);
  const reader = new CatalogReader<D, V>(options.queries, options.cache, {
    keys,
    immutableVersions: options.immutableVersions,
    versionDates: options.versionDates ?? [],
  });
  const writer = new CatalogWriter<D, V, Tx>(options.store, options.cache, {
    keys,
    onNewVersion: options.onNewVersion,
  });
  return { reader, writer, listing: new CatalogListing<D, V, F>(options.queries, reader) };
}
