import type { McpFacets } from "@mcp/proto/registry";
import { facetOptions, splitList, toggled, typeCounts, type FacetParams } from "../../mcps/facets";

type Choose = (key: keyof FacetParams, value: string) => void;

/** One facet: a fieldset of checkboxes, each with how many MCPs it would list. */
function FacetGroup({
  legend,
  name,
  counts,
  chosen,
  onToggle,
}: {
  legend: string;
  name: keyof FacetParams;
  counts: readonly { value: string; count: number }[];
  chosen: string;
  onToggle: Choose;
}) {
  const options = facetOptions(counts, chosen);
  return (
    <fieldset className="facet">
      <legend>{legend}</legend>
      {options.length === 0 ? <p className="facet-none">none</p> : null}
      {options.map((o) => (
        <label key={o.value} className="facet-option">
          <input
            type="checkbox"
            checked={o.chosen}
            onChange={() => onToggle(name, toggled(chosen, o.value))}
          />
          <span>{o.value}</span>
          <span className="facet-count" aria-label={`${o.count} MCPs`}>
            {o.count}
          </span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The catalogue's facets beside the MCP list: type, tags, labels (checkboxes: any of the chosen values)
 * and deprecation (one of three), each value with its count under the other choices.
 */
export function McpFacetPanel({
  facets,
  chosen,
  onChoose,
}: {
  facets: McpFacets | undefined;
  chosen: FacetParams;
  onChoose: Choose;
}) {
  const deprecation = [
    { value: "", text: "any", count: facets ? facets.deprecated + facets.notDeprecated : undefined },
    { value: "no", text: "not deprecated", count: facets?.notDeprecated },
    { value: "yes", text: "deprecated", count: facets?.deprecated },
  ];
  return (
    <aside className="facets" aria-label="Facets">
      <FacetGroup
        legend="Type"
        name="type"
        counts={typeCounts(facets)}
        chosen={chosen.type}
        onToggle={onChoose}
      />
      <FacetGroup
        legend="Tags"
        name="tag"
        counts={facets?.tags ?? []}
        chosen={chosen.tag}
        onToggle={onChoose}
      />
      <FacetGroup
        legend="Labels"
        name="label"
        counts={facets?.labels ?? []}
        chosen={chosen.label}
        onToggle={onChoose}
      />
      <fieldset className="facet">
        <legend>Deprecated</legend>
        {deprecation.map((d) => (
          <label key={d.value} className="facet-option">
            <input
              type="radio"
              name="deprecated"
              checked={chosen.deprecated === d.value}
              onChange={() => onChoose("deprecated", d.value)}
            />
            <span>{d.text}</span>
            {d.count === undefined ? null : (
              <span className="facet-count" aria-label={`${d.count} MCPs`}>
                {d.count}
              </span>
            )}
          </label>
        ))}
      </fieldset>
    </aside>
  );
}

/** The chosen facet values as chips; each chip's button removes its value. */
export function FacetChips({ chosen, onChoose }: { chosen: FacetParams; onChoose: Choose }) {
  const chips = [
    ...(["type", "tag", "label"] as const).flatMap((key) =>
      splitList(chosen[key]).map((value) => ({ key, value, text: `${key}: ${value}` })),
    ),
    ...(chosen.deprecated
      ? [
          {
            key: "deprecated" as const,
            value: chosen.deprecated,
            text: chosen.deprecated === "yes" ? "deprecated" : "not deprecated",
          },
        ]
      : []),
  ];
  if (chips.length === 0) return null;
  return (
    <ul className="chips" aria-label="Chosen filters">
      {chips.map((c) => (
        <li key={`${c.key}:${c.value}`} className="chip">
          {c.text}
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove ${c.text}`}
            onClick={() => onChoose(c.key, c.key === "deprecated" ? "" : toggled(chosen[c.key], c.value))}
          >
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
