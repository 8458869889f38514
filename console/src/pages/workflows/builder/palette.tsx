import type { Mcp } from "@mcp/proto/registry";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useDeferredValue, useId, useState } from "react";
import { useClients } from "../../../api/context";
import { ErrorView } from "../../../components/error-view";
import type { StepTarget } from "../../../builder/spec-edits";
import { MCP_TYPES, mcpTypeName, parseMcpType } from "../../../format/enums";

const PAGE_SIZE = 30;

/** `latest v3 · production v2`: an MCP's labels and the versions they point at, `latest` first. */
function labelsOf(mcp: Mcp): string {
  const entries = Object.entries(mcp.labels).sort(([a], [b]) =>
    a === "latest" ? -1 : b === "latest" ? 1 : a.localeCompare(b),
  );
  return entries.map(([label, version]) => `${label} v${version}`).join(" · ");
}

/**
 * The builder's palette: MCPs found by name or description and type (ListMcps), each with its type,
 * labels and versions, and workflows to call as sub-workflows (ListWorkflows); "Add" puts a step that
 * calls one at the bottom of the canvas (at its `latest` version; the step's panel pins another).
 */
export function Palette({ onAdd, exclude }: { onAdd: (target: StepTarget) => void; exclude?: string }) {
  const { registry, workflows } = useClients();
  const id = useId();
  const [text, setText] = useState("");
  const [type, setType] = useState("");
  const [flowText, setFlowText] = useState("");
  const q = useDeferredValue(text.trim());
  const fq = useDeferredValue(flowText.trim());
  const mcps = useQuery({
    queryKey: ["mcps", "palette", q, type],
    queryFn: ({ signal }) =>
      registry.listMcps({ pageSize: PAGE_SIZE, filter: { text: q, type: parseMcpType(type) } }, { signal }),
    // while a new search loads, the last list stays (marked busy) rather than the palette going blank
    placeholderData: keepPreviousData,
  });
  const flows = useQuery({
    queryKey: ["workflows", "palette", fq],
    queryFn: ({ signal }) =>
      workflows.listWorkflows({ pageSize: PAGE_SIZE, filter: { text: fq } }, { signal }),
    placeholderData: keepPreviousData,
  });
  const subWorkflows = (flows.data?.workflows ?? []).filter(
    (w) => w.name.toLowerCase() !== exclude?.toLowerCase(),
  );

  return (
    <aside className="builder-palette" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>Palette</h2>
      <div className="field">
        <label htmlFor={`${id}-q`}>Search MCPs</label>
        <input id={`${id}-q`} type="search" value={text} onChange={(e) => setText(e.target.value)} />
      </div>
      <div className="field">
        <label htmlFor={`${id}-type`}>MCP type</label>
        <select id={`${id}-type`} value={type} onChange={(e) => setType(e.target.value)}>
          <option value="">any</option>
          {MCP_TYPES.map((t) => (
            <option key={t.name} value={t.name}>
              {t.name}
            </option>
          ))}
        </select>
      </div>
      {mcps.isError && <ErrorView error={mcps.error} title="Could not list MCPs" />}
      <ul className="palette-items" aria-label="MCPs" aria-busy={mcps.isFetching}>
        {mcps.data?.mcps.map((mcp) => (
          <li key={mcp.id}>
            <div>
              <strong>{mcp.name}</strong> <span className="hint">{mcpTypeName(mcp.type)}</span>
            </div>
            <div className="hint">{labelsOf(mcp)}</div>
            <button
              type="button"
              aria-label={`Add step ${mcp.name}`}
              onClick={() =>
                onAdd({
                  kind: "mcp",
                  ref: {
                    $typeName: "mcp.registry.v1.McpReference",
                    mcp: { case: "name", value: mcp.name },
                    selector: { case: undefined },
                  },
                })
              }
            >
              Add
            </button>
          </li>
        ))}
        {mcps.isSuccess && mcps.data.mcps.length === 0 && <li className="hint">No MCP matches.</li>}
      </ul>

      <h3>Sub-workflows</h3>
      <div className="field">
        <label htmlFor={`${id}-wq`}>Search workflows</label>
        <input id={`${id}-wq`} type="search" value={flowText} onChange={(e) => setFlowText(e.target.value)} />
      </div>
      {flows.isError && <ErrorView error={flows.error} title="Could not list workflows" />}
      <ul className="palette-items" aria-label="Workflows" aria-busy={flows.isFetching}>
        {subWorkflows.map((w) => (
          <li key={w.id}>
            <div>
              <strong>{w.name}</strong> <span className="hint">workflow · current v{w.currentVersion}</span>
            </div>
            <button
              type="button"
              aria-label={`Add sub-workflow ${w.name}`}
              onClick={() =>
                onAdd({
                  kind: "workflow",
                  ref: {
                    $typeName: "mcp.workflows.v1.WorkflowReference",
                    workflow: { case: "name", value: w.name },
                  },
                })
              }
            >
              Add
            </button>
          </li>
        ))}
        {flows.isSuccess && subWorkflows.length === 0 && <li className="hint">No workflow matches.</li>}
      </ul>
    </aside>
  );
}
