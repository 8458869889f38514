import { create, fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { CatalogKey } from "@mcp/catalog";
import { keysetPage, type McpFacetCounts, type McpListFilter, type McpQueries, type Page } from "@mcp/db";
import { InvalidArgumentError } from "@mcp/errors";
import {
  ChangeKind,
  ConfigChangeSchema,
  GetMcpStatsResponseSchema,
  McpFacetsSchema,
  McpType,
  type ConfigChange,
  type GetMcpStatsResponse,
  type LabelMove,
  type ListMcpsRequest,
  type Mcp,
  type McpFacets,
  type McpVersion,
} from "@mcp/proto/registry";
import { diffJson, type JsonValue } from "@mcp/versioning";
import { storedContent } from "./content.js";
import { toLabelMove, toMcp, toMcpVersion } from "./mapping.js";
import type { McpCatalog } from "./mcp-catalog.js";
import { typeFromName, typeName } from "./types.js";

/** Browsing the catalogue: keyset-paginated lists, label moves, version diffs and counts. */
export class McpListing {
  constructor(
    private readonly catalog: McpCatalog,
    private readonly queries: McpQueries,
  ) {}

  /**
   * One page of the MCPs the request's filter selects, each flagged when its latest version is
   * deprecated, and the facet counts when asked for.
   */
  async list(workspace: string, req: ListMcpsRequest): Promise<Page<Mcp> & { facets?: McpFacets }> {
    const filter = listFilter(workspace, req);
    const [page, facets] = await Promise.all([
      this.catalog.listing.definitions(filter, req.pageSize, req.pageToken, toMcp),
      req.includeFacets ? this.queries.facets(filter) : undefined,
    ]);
    const deprecated = await this.queries.latestDeprecated(page.items.map((m) => m.id));
    for (const mcp of page.items) mcp.deprecated = deprecated.has(mcp.id);
    return { ...page, facets: facets && toFacets(facets) };
  }

  versions(workspace: string, key: CatalogKey, size: number, token: string): Promise<Page<McpVersion>> {
    return this.catalog.listing.versions(workspace, key, size, token, toMcpVersion);
  }

  /** One page of an MCP's label moves (of one label when given), newest first. */
  async labelMoves(
    workspace: string,
    key: CatalogKey,
    label: string,
    size: number,
    token: string,
  ): Promise<Page<LabelMove>> {
    const def = await this.catalog.reader.definition(workspace, key);
    return keysetPage(
      { size, token, scope: { mcp: def.id, label } },
      (before, limit) =>
        this.queries.listLabelMoves(
          def.id,
          label || undefined,
          before ? String(before[0]) : undefined,
          limit,
        ),
      (last) => [last.id],
      toLabelMove,
    );
  }

  /** What changed between two versions' content, path by path. */
  async diff(
    workspace: string,
    key: CatalogKey,
    from: number,
    to: number,
  ): Promise<{ changes: ConfigChange[]; fromHash: string; toHash: string }> {
    if (from === to) throw InvalidArgumentError.field("to_version", "must differ from from_version");
    const { reader } = this.catalog;
    const def = await reader.definition(workspace, key);
    const [a, b] = await Promise.all([reader.version(def, from), reader.version(def, to)]);
    const json = (v: typeof a) => storedContent(v) as unknown as JsonValue;
    const changes = diffJson(json(a), json(b)).map((c) =>
      create(ConfigChangeSchema, {
        path: c.path,
        kind:
          c.kind === "added"
            ? ChangeKind.ADDED
            : c.kind === "removed"
              ? ChangeKind.REMOVED
              : ChangeKind.MODIFIED,
        oldValue: c.oldValue === undefined ? undefined : fromJson(ValueSchema, c.oldValue),
        newValue: c.newValue === undefined ? undefined : fromJson(ValueSchema, c.newValue),
      }),
    );
    return { changes, fromHash: a.contentHash, toHash: b.contentHash };
  }

  async stats(workspace: string): Promise<GetMcpStatsResponse> {
    const s = await this.queries.stats(workspace);
    return create(GetMcpStatsResponseSchema, {
      totalMcps: BigInt(s.totalMcps),
      byType: Object.fromEntries(Object.entries(s.byType).map(([k, v]) => [k, BigInt(v)])),
      byModel: Object.fromEntries(Object.entries(s.byModel).map(([k, v]) => [k, BigInt(v)])),
      totalVersions: BigInt(s.totalVersions),
      deprecatedVersions: BigInt(s.deprecatedVersions),
    });
  }
}

/** The request's filter as the queries take it: `type`/`tag` join their facets; values sorted, once. */
export function listFilter(workspace: string, req: ListMcpsRequest): McpListFilter {
  const f = req.filter;
  const set = (values: readonly string[]) => (values.length ? [...new Set(values)].sort() : undefined);
  const types = f ? [...f.types, f.type].filter((t) => t !== McpType.UNSPECIFIED).map(typeName) : [];
  return {
    workspace,
    types: set(types),
    tags: set(f ? [...f.tags, f.tag].filter((t) => t !== "") : []),
    labels: set(f?.labels ?? []),
    deprecated: f?.deprecated,
    text: f?.text || undefined,
    showDeleted: req.showDeleted,
  };
}

function toFacets(counts: McpFacetCounts): McpFacets {
  return create(McpFacetsSchema, {
    types: counts.types.map((c) => ({ type: typeFromName(c.value), count: c.count })),
    tags: counts.tags,
    labels: counts.labels,
    deprecated: counts.deprecated,
    notDeprecated: counts.notDeprecated,
  });
}
