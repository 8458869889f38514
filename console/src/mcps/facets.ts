import type { McpFacets } from "@mcp/proto/registry";
import { MCP_TYPES, parseMcpType } from "../format/enums";

/** The catalogue's facet choices as the URL keeps them: comma lists, and `yes`/`no` for deprecated. */
export interface FacetParams {
  readonly q: string;
  readonly type: string;
  readonly tag: string;
  readonly label: string;
  readonly deprecated: string;
}

/** The keys of the MCP list's URL. */
export const FACET_KEYS = ["q", "type", "tag", "label", "deprecated"] as const;

/** `a,b` → `["a", "b"]` (empty items dropped). */
export const splitList = (value: string): string[] => value.split(",").filter((v) => v !== "");

/** The list with `value` added, or removed when it was there, as a comma list. */
export function toggled(list: string, value: string): string {
  const values = splitList(list);
  return (values.includes(value) ? values.filter((v) => v !== value) : [...values, value]).join(",");
}

/** The ListMcps filter the URL's choices ask for. */
export function filterOf(p: FacetParams) {
  return {
    text: p.q,
    types: splitList(p.type).flatMap((t) => parseMcpType(t) ?? []),
    tags: splitList(p.tag),
    labels: splitList(p.label),
    deprecated: p.deprecated === "yes" ? true : p.deprecated === "no" ? false : undefined,
  };
}

/** True when any filter is chosen. */
export const anyChosen = (p: FacetParams) => Object.values(p).some((v) => v !== "");

/** One checkbox of a facet: its value, the MCPs it has under the other filters, whether chosen. */
export interface FacetOption {
  readonly value: string;
  readonly count: number;
  readonly chosen: boolean;
}

/**
 * A facet's checkboxes: the values the counts name, then chosen values the counts left out (with 0,
 * so a choice can always be undone).
 */
export function facetOptions(
  counts: readonly { value: string; count: number }[],
  chosen: string,
): FacetOption[] {
  const picked = splitList(chosen);
  const options = counts.map((c) => ({ value: c.value, count: c.count, chosen: picked.includes(c.value) }));
  for (const value of picked)
    if (!counts.some((c) => c.value === value)) options.push({ value, count: 0, chosen: true });
  return options;
}

/** The type facet's counts keyed by type name (`python_script`), every type listed. */
export function typeCounts(facets: McpFacets | undefined): { value: string; count: number }[] {
  return MCP_TYPES.map((t) => ({
    value: t.name,
    count: facets?.types.find((c) => c.type === t.type)?.count ?? 0,
  }));
}
