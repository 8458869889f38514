import { Graph, layout } from "@dagrejs/dagre";
import type { DagEdge, DagNode, WorkflowGraph } from "./graph";

export interface Point {
  readonly x: number;
  readonly y: number;
}

/** A node placed by dagre: (x, y) is its centre. */
export interface PlacedNode extends DagNode {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** An edge routed by dagre through `points` (first near `from`, last at `to`'s border). */
export interface PlacedEdge extends DagEdge {
  readonly points: readonly Point[];
}

export interface DagLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

/** Box sizes: wide enough for the longer of the two lines of text at ~7 px per character. */
const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 48;
const MIN_WIDTH = 110;
const PADDING = 24;

/** A condition adds a third line. */
const CONDITION_LINE_HEIGHT = 16;

export function nodeWidth(node: DagNode): number {
  const longest = Math.max(
    node.id.length,
    node.mcp.length,
    node.condition?.label.length ?? 0,
    node.fanOut?.label.length ?? 0,
  );
  return Math.max(MIN_WIDTH, Math.ceil(longest * CHAR_WIDTH) + PADDING);
}

export function nodeHeight(node: DagNode, extraLines = 0): number {
  // a for_each badge is a line of its own, below the condition's
  return (
    NODE_HEIGHT +
    (node.condition ? CONDITION_LINE_HEIGHT : 0) +
    (node.fanOut ? CONDITION_LINE_HEIGHT : 0) +
    extraLines * CONDITION_LINE_HEIGHT
  );
}

/**
 * Lays a workflow graph out top to bottom with dagre (ranks by dependency, crossings minimised) and
 * returns dagre's node centres, edge points and overall size; `extraLines` more lines per box (a
 * run's status line).
 */
export function layoutDag(graph: WorkflowGraph, rankdir: "TB" | "LR" = "TB", extraLines = 0): DagLayout {
  const g = new Graph<Record<string, unknown>, { width: number; height: number; x?: number; y?: number }>();
  g.setGraph({ rankdir, nodesep: 28, ranksep: 44, marginx: 12, marginy: 12 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const node of graph.nodes)
    g.setNode(node.id, { width: nodeWidth(node), height: nodeHeight(node, extraLines) });
  for (const edge of graph.edges) g.setEdge(edge.from, edge.to);
  layout(g);
  const nodes = graph.nodes.map((node) => {
    const placed = g.node(node.id);
    return { ...node, x: placed.x ?? 0, y: placed.y ?? 0, width: placed.width, height: placed.height };
  });
  const edges = graph.edges.map((edge) => {
    const label = g.edge(edge.from, edge.to) as { points?: Point[] } | undefined;
    return { ...edge, points: label?.points ?? [] };
  });
  const size = g.graph() as { width?: number; height?: number };
  return { nodes, edges, width: size.width ?? 0, height: size.height ?? 0 };
}
