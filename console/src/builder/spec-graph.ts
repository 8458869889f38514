import type { Edge, MarkerType, Node } from "@xyflow/react";
import type { WorkflowSpec } from "@mcp/proto/workflows";
import { workflowGraph, type DagNode } from "../dag/graph";
import { layoutDag } from "../dag/layout";

/** Where a step's box sits on the canvas (its top-left corner). */
export interface Position {
  readonly x: number;
  readonly y: number;
}

/** What a step's box shows: the run graph's node (id, MCP, condition, fan-out) and its problems. */
export interface StepNodeData extends Record<string, unknown> {
  readonly step: DagNode;
  /** ValidateWorkflow's descriptions of what is wrong with the step; empty when nothing is. */
  readonly problems: readonly string[];
}

export type StepNode = Node<StepNodeData, "step">;

/** An edge of the builder: `depends_on` (deletable) or a data-only read of an output (shown dashed). */
export type BuilderEdge = Edge<{ readonly dependsOn: boolean }>;

/** The id of the edge `from → to`. */
export const edgeId = (from: string, to: string) => `${from}->${to}`;

/** Space between a box placed under the others and the lowest of them. */
const NEW_ROW_GAP = 100;

/**
 * Positions of every step: the known ones kept (moved by the user), the others laid out by dagre
 * (the run graph's layout) — the whole graph when none is known, else each new step under the lowest
 * known box, at dagre's column.
 */
export function placeSteps(spec: WorkflowSpec, known: ReadonlyMap<string, Position>): Map<string, Position> {
  const layout = layoutDag(workflowGraph(spec));
  const placed = new Map<string, Position>();
  const anyKnown = spec.steps.some((s) => known.has(s.stepId));
  let bottom = Math.max(0, ...spec.steps.map((s) => known.get(s.stepId)?.y ?? -Infinity));
  for (const node of layout.nodes) {
    const keep = known.get(node.id);
    if (keep) {
      placed.set(node.id, keep);
      continue;
    }
    const x = node.x - node.width / 2;
    if (!anyKnown) {
      placed.set(node.id, { x, y: node.y - node.height / 2 });
      continue;
    }
    bottom += NEW_ROW_GAP;
    placed.set(node.id, { x, y: bottom });
  }
  return placed;
}

/**
 * The canvas of a spec: a node per step, in spec order, at `positions` (placeSteps), carrying its
 * problems; an edge per ordered pair of linked steps — solid and deletable for `depends_on`, dashed
 * and fixed where a step only reads another's output (validation flags those).
 */
export function specToFlow(
  spec: WorkflowSpec,
  positions: ReadonlyMap<string, Position>,
  problems: ReadonlyMap<string, readonly string[]> = new Map(),
  selected?: string,
): { nodes: StepNode[]; edges: BuilderEdge[] } {
  const graph = workflowGraph(spec);
  const nodes = graph.nodes.map((step): StepNode => ({
    id: step.id,
    type: "step",
    position: positions.get(step.id) ?? { x: 0, y: 0 },
    selected: step.id === selected,
    data: { step, problems: problems.get(step.id) ?? [] },
    ariaLabel: `Step ${step.id}: ${step.mcp}`,
  }));
  const edges = graph.edges.map((e): BuilderEdge => {
    const dependsOn = e.kinds.includes("depends_on");
    return {
      id: edgeId(e.from, e.to),
      source: e.from,
      target: e.to,
      deletable: dependsOn,
      selectable: dependsOn,
      className: dependsOn ? "depends-on" : "data-only",
      // React Flow's MarkerType.ArrowClosed (a type import keeps React Flow out of this module)
      markerEnd: { type: "arrowclosed" as MarkerType },
      data: { dependsOn },
      ariaLabel: `${e.to} depends on ${e.from}`,
    };
  });
  return { nodes, edges };
}
