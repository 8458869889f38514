import type { WorkflowSpec } from "@mcp/proto/workflows";
import { stepPath } from "./violation.js";

/** Step `from` cannot start before step `to` has finished; `field` is where the spec says so. */
export interface WaitEdge {
  readonly from: number;
  readonly to: number;
  readonly field: string;
}

/**
 * The steps as a graph over their indexes in `spec.steps`. Edges come from `depends_on` only; a
 * `step_output` input adds no edge (it must name a step that is already upstream through them). Ids
 * resolve to their first occurrence; unknown ids and self-references add no edge (they are reported
 * elsewhere).
 */
export interface StepGraph {
  readonly ids: readonly string[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** `waitsFor[i]`: distinct edges out of step i, in `depends_on` order. */
  readonly waitsFor: ReadonlyArray<readonly WaitEdge[]>;
}

/** Builds the dependency graph of a spec (pure; tolerates invalid specs). */
export function buildGraph(spec: WorkflowSpec): StepGraph {
  const ids = spec.steps.map((step) => step.stepId);
  const indexOf = new Map<string, number>();
  ids.forEach((id, index) => {
    if (!indexOf.has(id)) indexOf.set(id, index);
  });
  const waitsFor = spec.steps.map((step, from) => {
    const edges: WaitEdge[] = [];
    const add = (id: string, field: string): void => {
      const to = indexOf.get(id);
      if (to === undefined || id === step.stepId || edges.some((edge) => edge.to === to)) return;
      edges.push({ from, to, field });
    };
    step.dependsOn.forEach((id, k) => add(id, `${stepPath(from)}.depends_on[${k}]`));
    return edges;
  });
  return { ids, indexOf, waitsFor };
}

/** For each step index, every step index it waits for directly or transitively (never itself). */
export function ancestorIndexes(graph: StepGraph): Array<Set<number>> {
  return graph.waitsFor.map((_, start) => {
    const seen = new Set<number>();
    const stack = [start];
    for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
      for (const edge of graph.waitsFor[node] ?? []) {
        if (!seen.has(edge.to)) {
          seen.add(edge.to);
          stack.push(edge.to);
        }
      }
    }
    seen.delete(start);
    return seen;
  });
}

/**
 * For each step id, the ids of every step it waits for, directly or transitively, through
 * `depends_on` only (the step itself excluded, also when it lies on a cycle).
 * A duplicated id keeps its first step.
 */
export function upstreamOf(spec: WorkflowSpec): Map<string, Set<string>> {
  const graph = buildGraph(spec);
  const ancestors = ancestorIndexes(graph);
  const result = new Map<string, Set<string>>();
  for (const [id, index] of graph.indexOf) {
    const ids = [...(ancestors[index] ?? [])].sort((a, b) => a - b).map((i) => graph.ids[i] ?? "");
    result.set(id, new Set(ids.filter((upstream) => upstream !== id)));
  }
  return result;
}

/**
 * Step ids in the order a sequential run executes them: every step after all steps it waits for
 * through `depends_on` (`step_output` inputs do not affect it), ties broken by declared order.
 * Deterministic. For an invalid spec the order is best effort: steps on or behind a cycle follow the
 * rest in declared order.
 */
export function topologicalOrder(spec: WorkflowSpec): string[] {
  const graph = buildGraph(spec);
  const waiting = graph.waitsFor.map((edges) => edges.length);
  const dependents = graph.waitsFor.map((): number[] => []);
  graph.waitsFor.forEach((edges) => edges.forEach((edge) => dependents[edge.to]?.push(edge.from)));
  const done = new Set<number>();
  const order: number[] = [];
  for (;;) {
    const next = waiting.findIndex((count, index) => count === 0 && !done.has(index));
    if (next < 0) break;
    done.add(next);
    order.push(next);
    for (const dependent of dependents[next] ?? []) waiting[dependent] = (waiting[dependent] ?? 0) - 1;
  }
  graph.ids.forEach((_, index) => {
    if (!done.has(index)) order.push(index);
  });
  return order.map((index) => graph.ids[index] ?? "");
}
