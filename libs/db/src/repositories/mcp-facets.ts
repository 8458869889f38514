import type { DataSource } from "typeorm";
import { catalogConditions, type CatalogListFilter, type SqlCondition } from "../catalog/catalog-queries.js";
import { dbCall } from "../errors.js";

/**
 * Filter of MCP lists: the catalogue's (text, deleted) plus the facets. Within a facet the values are
 * ORed (any of these types, any of these tags, any of these labels); the facets are ANDed. An MCP is
 * deprecated when its latest version is.
 */
export interface McpListFilter extends CatalogListFilter {
  readonly types?: readonly string[];
  readonly tags?: readonly string[];
  readonly labels?: readonly string[];
  readonly deprecated?: boolean;
}

/** A facet of the MCP catalogue. */
export type McpFacet = "type" | "tag" | "label" | "deprecated";

/** A facet value and how many MCPs carry it. */
export interface FacetCount {
  readonly value: string;
  readonly count: number;
}

/** Counts per facet value, each facet under every filter but its own. */
export interface McpFacetCounts {
  readonly types: FacetCount[];
  readonly tags: FacetCount[];
  readonly labels: FacetCount[];
  readonly deprecated: number;
  readonly notDeprecated: number;
}

/** Most values a tag or label facet returns. */
export const FACET_VALUE_LIMIT = 100;

/** `d`'s latest version is deprecated (the partial index `mcp_versions_deprecated` serves it). */
const LATEST_DEPRECATED =
  "EXISTS (SELECT 1 FROM mcp_versions lv WHERE lv.mcp_id = d.id AND lv.version = d.latest_version AND lv.deprecated)";

/** The facet filters' conditions over the definition alias `d`, leaving out the facet `except`. */
export function facetConditions(filter: McpListFilter, except?: McpFacet): SqlCondition[] {
  const out: SqlCondition[] = [];
  if (except !== "type" && filter.types?.length)
    out.push(["d.type = ANY(CAST(:facetTypes AS text[]))", { facetTypes: filter.types }]);
  if (except !== "tag" && filter.tags?.length)
    out.push(["d.tags && CAST(:facetTags AS text[])", { facetTags: filter.tags }]);
  if (except !== "label" && filter.labels?.length)
    out.push(["d.labels ?| CAST(:facetLabels AS text[])", { facetLabels: filter.labels }]);
  if (except !== "deprecated" && filter.deprecated !== undefined)
    out.push([filter.deprecated ? LATEST_DEPRECATED : `NOT ${LATEST_DEPRECATED}`, {}]);
  return out;
}

/**
 * Counts MCPs per type, tag, label and deprecation under `filter`, each facet without its own filter
 * (disjunctive facets: a count is what choosing that value alone in its facet would list). Four
 * grouped queries run side by side in PostgreSQL; the facet filters use the indexes on type, tags
 * (GIN), labels (GIN) and deprecated versions.
 */
export function countFacets(dataSource: DataSource, filter: McpListFilter): Promise<McpFacetCounts> {
  const run = <T>(facet: McpFacet, select: string, tail: string) => {
    const conditions = [...catalogConditions(filter), ...facetConditions(filter, facet)];
    const where = conditions.length ? `WHERE ${conditions.map(([sql]) => sql).join(" AND ")}` : "";
    const params = Object.assign({}, ...conditions.map(([, p]) => p)) as Record<string, unknown>;
    const [sql, values] = dataSource.driver.escapeQueryWithParameters(`${select} ${where} ${tail}`, params);
    return dataSource.query<T[]>(sql, values);
  };
  const limit = `ORDER BY n DESC, value LIMIT ${FACET_VALUE_LIMIT}`;
  return dbCall(async () => {
    const [types, tags, labels, deprecation] = await Promise.all([
      run<{ value: string; n: number }>(
        "type",
        "SELECT d.type AS value, count(*)::int AS n FROM mcp_definitions d",
        "GROUP BY d.type ORDER BY n DESC, value",
      ),
      run<{ value: string; n: number }>(
        "tag",
        "SELECT t.value, count(*)::int AS n FROM mcp_definitions d CROSS JOIN LATERAL unnest(d.tags) AS t(value)",
        `GROUP BY t.value ${limit}`,
      ),
      run<{ value: string; n: number }>(
        "label",
        `SELECT l.value, count(*)::int AS n
           FROM mcp_definitions d CROSS JOIN LATERAL jsonb_object_keys(d.labels) AS l(value)`,
        `GROUP BY l.value HAVING l.value <> 'latest' ${limit}`, // every MCP has `latest`
      ),
      run<{ total: number; deprecated: number }>(
        "deprecated",
        `SELECT count(*)::int AS total, count(*) FILTER (WHERE ${LATEST_DEPRECATED})::int AS deprecated
           FROM mcp_definitions d`,
        "",
      ),
    ]);
    const counts = (rows: { value: string; n: number }[]) =>
      rows.map((r) => ({ value: r.value, count: r.n }));
    const total = deprecation[0]?.total ?? 0;
    const deprecated = deprecation[0]?.deprecated ?? 0;
    return {
      types: counts(types),
      tags: counts(tags),
      labels: counts(labels),
      deprecated,
      notDeprecated: total - deprecated,
    };
  });
}

/** Ids among `ids` whose MCP's latest version is deprecated. */
export function latestDeprecated(dataSource: DataSource, ids: readonly string[]): Promise<Set<string>> {
  if (ids.length === 0) return Promise.resolve(new Set());
  return dbCall(async () => {
    const rows = await dataSource.query<{ id: string }[]>(
      `SELECT d.id FROM mcp_definitions d WHERE d.id = ANY($1::uuid[]) AND ${LATEST_DEPRECATED}`,
      [ids],
    );
    return new Set(rows.map((r) => r.id));
  });
}
