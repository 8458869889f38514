import { createCatalog, type Catalog, type CatalogReader, type CatalogWriter } from "@mcp/catalog";
import type { Cache } from "@mcp/coordination";
import type {
  McpDefinitionEntity,
  McpListFilter,
  McpQueries,
  McpStore,
  McpTransaction,
  McpVersionEntity,
} from "@mcp/db";

/** MCPs on the catalogue kernel (@mcp/catalog). */
export type McpCatalog = Catalog<McpDefinitionEntity, McpVersionEntity, McpListFilter, McpTransaction>;
export type McpReader = CatalogReader<McpDefinitionEntity, McpVersionEntity>;
export type McpCatalogWriter = CatalogWriter<McpDefinitionEntity, McpVersionEntity, McpTransaction>;

/**
 * The registry's kind: cached under `mcp:`; versions change when (un)deprecated, so they are not kept
 * in process; a new version moves the `latest` label.
 */
export function mcpCatalog(store: McpStore, queries: McpQueries, cache: Cache): McpCatalog {
  return createCatalog({
    store,
    queries,
    cache,
    cachePrefix: "mcp",
    immutableVersions: false,
    versionDates: ["deprecatedAt"],
    onNewVersion: (def, number) => {
      def.labels = { ...def.labels, latest: number };
    },
  });
}
