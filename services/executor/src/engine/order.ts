import type { Step } from "@mcp/proto/workflows";

/** The plan's steps do not form a DAG over known ids; the workflows service should have refused it. */
export class InvalidPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidPlanError";
  }
}

/**
 * The steps in dependency order (`depends_on` only): every step comes after all of its dependencies,
 * and steps that could go in either order keep their declared order (smallest declared index first).
 *
 * @throws InvalidPlanError on an unknown dependency, a duplicate id or a cycle.
 */
export function dependencyOrder(steps: readonly Step[]): Step[] {
  const index = new Map<string, number>();
  steps.forEach((step, i) => {
    if (index.has(step.stepId)) throw new InvalidPlanError(`duplicate step id "${step.stepId}"`);
    index.set(step.stepId, i);
  });
  const waitingOn = steps.map((step) => new Set(step.dependsOn));
  for (const step of steps) {
    for (const dependency of step.dependsOn) {
      if (!index.has(dependency)) {
        throw new InvalidPlanError(`step "${step.stepId}" depends on unknown step "${dependency}"`);
      }
    }
  }
  const placed = new Set<string>();
  const order: Step[] = [];
  while (order.length < steps.length) {
    // Quadratic, but specs hold at most 200 steps and this runs once per run.
    const next = steps.findIndex((step, i) => !placed.has(step.stepId) && waitingOn[i]?.size === 0);
    const step = steps[next];
    if (!step) {
      const stuck = steps.filter((s) => !placed.has(s.stepId)).map((s) => s.stepId);
      throw new InvalidPlanError(`dependency cycle among steps ${stuck.join(", ")}`);
    }
    placed.add(step.stepId);
    order.push(step);
    for (const waiting of waitingOn) waiting.delete(step.stepId);
  }
  return order;
}

/** Step id → ids of the steps that list it in `depends_on` (direct dependents only). */
export function directDependents(steps: readonly Step[]): ReadonlyMap<string, readonly string[]> {
  const dependents = new Map<string, string[]>();
  for (const step of steps) {
    for (const dependency of step.dependsOn) {
      const list = dependents.get(dependency) ?? [];
      list.push(step.stepId);
      dependents.set(dependency, list);
    }
  }
  return dependents;
}

/** Every step that depends on `stepId` directly or through other steps, in no particular order. */
export function transitiveDependents(
  stepId: string,
  dependents: ReadonlyMap<string, readonly string[]>,
): string[] {
  const seen = new Set<string>();
  const queue = [...(dependents.get(stepId) ?? [])];
  for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
    if (seen.has(id)) continue;
    seen.add(id);
    queue.push(...(dependents.get(id) ?? []));
  }
  return [...seen];
}
