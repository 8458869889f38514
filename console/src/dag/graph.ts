import type { McpReference } from "@mcp/proto/registry";
import type { WorkflowSpec } from "@mcp/proto/workflows";
import { conditionBadge, type ConditionBadge } from "./conditions";
import { fanOutBadge, type FanOutBadge } from "./for-each";
import { subWorkflowBadge, type SubWorkflowBadge } from "./sub-workflows";
import { waitKindOf, waitLabel, type WaitKind } from "./waits";

/** One step of a workflow, as a node of its DAG. */
export interface DagNode {
  readonly id: string;
  /** The MCP the step calls, e.g. `summarize@production`. */
  readonly mcp: string;
  /** Its `when` / `run_if_skipped`, when it has either (conditions.ts). */
  readonly condition?: ConditionBadge;
  /** Set for a step that waits instead of calling an MCP (`mcp` then says what it waits for; waits.ts). */
  readonly wait?: WaitKind;
  /** Its `for_each`: the list it fans out over and how many items at once (for-each.ts). */
  readonly fanOut?: FanOutBadge;
  /** Set for a step that calls a workflow (`mcp` then names it; sub-workflows.ts). */
  readonly subWorkflow?: SubWorkflowBadge;
}

/** Why one step comes after another. */
export type EdgeKind = "depends_on" | "step_output";

/** `from` must run before `to`: listed in `depends_on`, read through a `step_output` input, or both. */
export interface DagEdge {
  readonly from: string;
  readonly to: string;
  readonly kinds: readonly EdgeKind[];
}

/** A reference to a step that is not in the spec (an invalid spec): not drawn, but reported. */
export interface DanglingReference {
  readonly from: string;
  readonly to: string;
  readonly kind: EdgeKind;
}

export interface WorkflowGraph {
  readonly nodes: readonly DagNode[];
  readonly edges: readonly DagEdge[];
  readonly dangling: readonly DanglingReference[];
}

/** `name`, `name@label`, `name@v3`, or `id:<uuid>` for a reference by id. */
export function mcpRefLabel(ref: McpReference | undefined): string {
  if (ref === undefined) return "(no MCP)";
  const who =
    ref.mcp.case === "name" ? ref.mcp.value : ref.mcp.case === "id" ? `id:${ref.mcp.value}` : "(no MCP)";
  switch (ref.selector.case) {
    case "label":
      return `${who}@${ref.selector.value}`;
    case "version":
      return `${who}@v${ref.selector.value}`;
    default:
      return who;
  }
}

/**
 * The DAG of a spec: a node per step (in spec order) and one edge per ordered pair of steps that are
 * linked by `depends_on`, by a `step_output` input, or by both (then both kinds are listed).
 */
export function workflowGraph(spec: WorkflowSpec | undefined): WorkflowGraph {
  const steps = spec?.steps ?? [];
  const nodes = steps.map((s): DagNode => {
    const condition = conditionBadge(s);
    const wait = waitKindOf(s);
    const fanOut = fanOutBadge(s);
    const subWorkflow = subWorkflowBadge(s);
    return {
      id: s.stepId,
      mcp: subWorkflow?.label ?? waitLabel(s) ?? mcpRefLabel(s.mcp),
      ...(subWorkflow ? { subWorkflow } : {}),
      ...(condition ? { condition } : {}),
      ...(wait ? { wait } : {}),
      ...(fanOut ? { fanOut } : {}),
    };
  });
  const ids = new Set(nodes.map((n) => n.id));
  const edges = new Map<string, { from: string; to: string; kinds: EdgeKind[] }>();
  const dangling: DanglingReference[] = [];
  const link = (from: string, to: string, kind: EdgeKind) => {
    if (!ids.has(from)) {
      dangling.push({ from, to, kind });
      return;
    }
    const key = JSON.stringify([from, to]);
    const edge = edges.get(key) ?? { from, to, kinds: [] };
    if (!edge.kinds.includes(kind)) edge.kinds.push(kind);
    edges.set(key, edge);
  };
  for (const step of steps) {
    for (const dep of step.dependsOn) link(dep, step.stepId, "depends_on");
    if (step.forEach?.source.case === "stepOutput")
      link(step.forEach.source.value.stepId, step.stepId, "step_output");
    for (const input of Object.values(step.inputs)) {
      if (input.source.case === "stepOutput") link(input.source.value.stepId, step.stepId, "step_output");
    }
  }
  return { nodes, edges: [...edges.values()], dangling };
}
