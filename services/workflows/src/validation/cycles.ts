import type { StepGraph } from "./graph.js";
import { violation, type SpecViolation } from "./violation.js";

/** At most this many cycles are listed; a dense graph can have exponentially many. */
export const MAX_LISTED_CYCLES = 25;

/** Result of {@link findCycles}. */
export interface FoundCycles {
  /** Each elementary cycle once, as step indexes starting at its lowest index, in "waits for" order. */
  readonly cycles: number[][];
  /** Whether more cycles exist than were listed. */
  readonly truncated: boolean;
}

/**
 * Every elementary cycle of the graph (Johnson's algorithm, so each is found exactly once and the
 * work stays linear per cycle), up to `limit`. Self-references are not edges, so not cycles here.
 */
export function findCycles(graph: StepGraph, limit = MAX_LISTED_CYCLES): FoundCycles {
  const n = graph.waitsFor.length;
  const adjacency = graph.waitsFor.map((edges) => edges.map((edge) => edge.to));
  const cycles: number[][] = [];
  let truncated = false;

  for (let start = 0; start < n && !truncated; start++) {
    const component = componentOf(adjacency, start);
    if (component.size < 2) continue;
    const blocked = new Set<number>();
    const blockedBy = new Map<number, Set<number>>();
    const path: number[] = [];
    const unblock = (node: number): void => {
      blocked.delete(node);
      const waiters = blockedBy.get(node) ?? new Set<number>();
      blockedBy.delete(node);
      for (const waiter of waiters) if (blocked.has(waiter)) unblock(waiter);
    };
    const circuit = (node: number): boolean => {
      let closed = false;
      path.push(node);
      blocked.add(node);
      for (const next of adjacency[node] ?? []) {
        if (truncated || !component.has(next)) continue;
        if (next === start) {
          if (cycles.length === limit) truncated = true;
          else cycles.push([...path]);
          closed = true;
        } else if (!blocked.has(next) && circuit(next)) {
          closed = true;
        }
      }
      if (closed) unblock(node);
      else for (const next of adjacency[node] ?? []) if (component.has(next)) addTo(blockedBy, next, node);
      path.pop();
      return closed;
    };
    circuit(start);
  }
  return { cycles, truncated };
}

/**
 * One CYCLE violation per elementary cycle, named `a -> b -> c -> a` where each step waits for the
 * next; the field is the `depends_on` entry of its first step's edge.
 */
export function cycleViolations(graph: StepGraph): SpecViolation[] {
  const { cycles, truncated } = findCycles(graph);
  const result = cycles.map((cycle) => {
    const [first = 0, second = 0] = cycle;
    const edge = graph.waitsFor[first]?.find((candidate) => candidate.to === second);
    const names = [...cycle, first].map((index) => graph.ids[index] ?? "").join(" -> ");
    return violation(
      edge?.field ?? "spec.steps",
      "CYCLE",
      `steps form a cycle: ${names} (each waits for the next through depends_on)`,
    );
  });
  if (truncated) {
    result.push(
      violation("spec.steps", "CYCLE", `more than ${MAX_LISTED_CYCLES} cycles; only the first are listed`),
    );
  }
  return result;
}

/** The strongly connected component of `start` in the subgraph of nodes `>= start`. */
function componentOf(adjacency: ReadonlyArray<readonly number[]>, start: number): Set<number> {
  const reverse = adjacency.map((): number[] => []);
  adjacency.forEach((targets, from) => targets.forEach((to) => reverse[to]?.push(from)));
  const forward = reach(adjacency, start);
  const backward = reach(reverse, start);
  return new Set([...forward].filter((node) => backward.has(node)));
}

/** Nodes `>= start` reachable from `start` (itself included). */
function reach(adjacency: ReadonlyArray<readonly number[]>, start: number): Set<number> {
  const seen = new Set([start]);
  const stack = [start];
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    for (const next of adjacency[node] ?? []) {
      if (next >= start && !seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

function addTo(map: Map<number, Set<number>>, key: number, value: number): void {
  const set = map.get(key) ?? new Set<number>();
  set.add(value);
  map.set(key, set);
}
