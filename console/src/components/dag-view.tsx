import type { WorkflowSpec } from "@mcp/proto/workflows";
import { useId, useMemo, type KeyboardEvent } from "react";
import { Link } from "react-router";
import { workflowGraph } from "../dag/graph";
import type { NodeStatus } from "../dag/live-status";
import { layoutDag, type Point } from "../dag/layout";
import { Empty } from "./states";

/** A run's view of the DAG: each step's status, the selected step, and what a click on a step does. */
export interface LiveDag {
  readonly status: ReadonlyMap<string, NodeStatus>;
  readonly selected?: string | undefined;
  onSelect(stepId: string): void;
}

function pathOf(points: readonly Point[]): string {
  return points.map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
}

/**
 * A workflow's DAG as SVG, laid out by dagre: a box per step (step id, MCP reference, and its condition
 * when it has one: `when …`, the whole text in its title; a for_each step's fan-out badge `⇶ each
 * <list> ×<max concurrency>`; a sub-workflow step's `↳ workflow`, linked to its page), an arrow per dependency — solid for
 * `depends_on`, dashed where a step only reads another's output.
 */
export function DagView({ spec, live }: { spec: WorkflowSpec | undefined; live?: LiveDag | undefined }) {
  const markerId = useId().replace(/:/g, "");
  const graph = useMemo(() => workflowGraph(spec), [spec]);
  const extraLines = live ? 1 : 0;
  const dag = useMemo(() => layoutDag(graph, "TB", extraLines), [graph, extraLines]);
  if (graph.nodes.length === 0) return <Empty>No steps.</Empty>;
  return (
    <figure className="dag">
      <svg
        data-testid="dag"
        // live, its steps are buttons: a group, as an image may hold no controls (axe nested-interactive)
        role={live ? "group" : "img"}
        aria-label={`DAG of ${graph.nodes.length} steps and ${graph.edges.length} dependencies`}
        viewBox={`0 0 ${Math.ceil(dag.width)} ${Math.ceil(dag.height)}`}
        width={Math.ceil(dag.width)}
        height={Math.ceil(dag.height)}
      >
        <defs>
          <marker
            id={markerId}
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="8"
            markerHeight="8"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="dag-arrowhead" />
          </marker>
        </defs>
        {dag.edges.map((e) => (
          <path
            key={`${e.from}->${e.to}`}
            d={pathOf(e.points)}
            className={e.kinds.includes("depends_on") ? "dag-edge" : "dag-edge data-only"}
            markerEnd={`url(#${markerId})`}
            data-from={e.from}
            data-to={e.to}
          >
            <title>{`${e.from} → ${e.to} (${e.kinds.join(", ")})`}</title>
          </path>
        ))}
        {dag.nodes.map((n) => {
          const status = live?.status.get(n.id);
          const liveLine = 54 + (n.condition ? 16 : 0) + (n.fanOut ? 16 : 0);
          return (
            <g
              key={n.id}
              className={`dag-node${n.wait ? " wait-step" : ""}${n.fanOut ? " for-each-step" : ""}${n.subWorkflow ? " sub-workflow-step" : ""}${live ? ` live tone-node-${status?.tone ?? "idle"}` : ""}${live?.selected === n.id ? " selected" : ""}`}
              data-step={n.id}
              data-wait={n.wait}
              {...(live
                ? {
                    "data-status": status?.label ?? "not started",
                    role: "button",
                    tabIndex: 0,
                    "aria-label": `Step ${n.id}: ${status?.label ?? "not started"}${status?.progress ? `, ${status.progress} items` : ""}`,
                    "aria-pressed": live.selected === n.id,
                    onClick: () => live.onSelect(n.id),
                    onKeyDown: (e: KeyboardEvent) => {
                      if (e.key === "Enter" || e.key === " ") {
                        e.preventDefault();
                        live.onSelect(n.id);
                      }
                    },
                  }
                : {})}
              transform={`translate(${n.x - n.width / 2},${n.y - n.height / 2})`}
            >
              <rect width={n.width} height={n.height} rx="6" />
              <text x={n.width / 2} y={20} textAnchor="middle" className="dag-step">
                {n.id}
              </text>
              {n.subWorkflow?.href ? (
                <Link to={n.subWorkflow.href} data-testid="dag-sub-workflow">
                  <text x={n.width / 2} y={37} textAnchor="middle" className="dag-mcp">
                    <title>{`calls workflow ${n.mcp.slice(2)}`}</title>
                    {n.mcp}
                  </text>
                </Link>
              ) : (
                <text x={n.width / 2} y={37} textAnchor="middle" className="dag-mcp">
                  {n.mcp}
                </text>
              )}
              {n.condition && (
                <text x={n.width / 2} y={54} textAnchor="middle" className="dag-when" data-testid="dag-when">
                  <title>{n.condition.title}</title>
                  {n.condition.label}
                </text>
              )}
              {n.fanOut && (
                <text
                  x={n.width / 2}
                  y={n.condition ? 70 : 54}
                  textAnchor="middle"
                  className="dag-fan-out"
                  data-testid="dag-fan-out"
                >
                  <title>{n.fanOut.title}</title>
                  {n.fanOut.label}
                </text>
              )}
              {live && (
                <text
                  x={n.width / 2}
                  y={liveLine}
                  textAnchor="middle"
                  className="dag-live"
                  data-testid="dag-live"
                >
                  {status?.label ?? "not started"}
                  {status?.progress ? ` · ${status.progress}` : ""}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <figcaption className="hint">
        {live && "Colour: the step's status in this run; click a step for its details and log. "}
        Solid arrow: <code>depends_on</code>. Dashed arrow: reads a step&apos;s output without listing it in{" "}
        <code>depends_on</code>.
      </figcaption>
      {graph.dangling.length > 0 && (
        <ul className="warnings" aria-label="References to unknown steps">
          {graph.dangling.map((d, i) => (
            <li key={i}>
              Step <code>{d.to}</code> refers to unknown step <code>{d.from}</code> ({d.kind})
            </li>
          ))}
        </ul>
      )}
    </figure>
  );
}
