import { compileCondition, describeProblem, type ConditionBindings } from "@mcp/conditions";
import type { Step } from "@mcp/proto/workflows";
import type { JsonObject } from "../step/index.js";
import type { RecordedError } from "./types.js";

/**
 * Step conditions in the engine (`Step.when`, `Step.run_if_skipped`). When a step's dependencies are
 * all decided — each succeeded or was skipped by a condition — {@link ConditionGate.decide} says what
 * happens to it:
 * - a dependency skipped by a condition, and no `run_if_skipped`: skipped too (UPSTREAM_CONDITION_FALSE,
 *   naming that dependency); this is how a false condition propagates down its branch;
 * - otherwise, no `when`: it runs;
 * - `when` true: it runs; false: skipped (CONDITION_FALSE, `condition false: <expr>`); an expression
 *   that fails at run time (a missing key, not a bool): the step fails with CONDITION_ERROR, no retry,
 *   its error strategy applies.
 * A condition reads `inputs` (the run's inputs) and `steps.<id>` of every step upstream of its step:
 * `{outputs, skipped: false}` for a succeeded one, `{outputs: {}, skipped: true}` for one skipped by a
 * condition. Skips caused by a failure (CONTINUE) or a stopped run are not condition skips: they skip
 * their dependents as before, whatever `run_if_skipped` says.
 *
 * A condition skip is recorded with its code as the step's error code, so a resumed run reads it back
 * ({@link isConditionSkip}) and decides the same way.
 */

/** The step's own `when` was false. */
export const CONDITION_FALSE = "CONDITION_FALSE";
/** A dependency was skipped by a condition and the step does not declare `run_if_skipped`. */
export const UPSTREAM_CONDITION_FALSE = "UPSTREAM_CONDITION_FALSE";
/** The step's `when` could not be evaluated. */
export const CONDITION_ERROR = "CONDITION_ERROR";

/** Whether a recorded skip's code marks a skip by a condition. */
export function isConditionSkip(code: string | undefined): boolean {
  return code === CONDITION_FALSE || code === UPSTREAM_CONDITION_FALSE;
}

/** What happens to a step whose dependencies are decided. */
export type ConditionDecision =
  | { readonly kind: "run" }
  | { readonly kind: "skip"; readonly code: string; readonly reason: string }
  | { readonly kind: "fail"; readonly error: RecordedError };

/** What the gate reads of the run. */
export interface ConditionView {
  readonly inputs: JsonObject;
  /** Whether the step was skipped by a condition. */
  skippedByCondition(stepId: string): boolean;
  /** A succeeded step's outputs. */
  outputsOf(stepId: string): JsonObject | undefined;
}

/** The conditions of one run's steps, compiled once. */
export class ConditionGate {
  private readonly byId: ReadonlyMap<string, Step>;
  private readonly compiled = new Map<string, ReturnType<typeof compileCondition>>();

  constructor(steps: readonly Step[]) {
    this.byId = new Map(steps.map((s) => [s.stepId, s]));
  }

  /** Decides a step whose dependencies all succeeded or were skipped by a condition. */
  decide(step: Step, view: ConditionView): ConditionDecision {
    const skippedDependency = step.dependsOn.find((d) => view.skippedByCondition(d));
    if (skippedDependency !== undefined && !step.runIfSkipped) {
      return {
        kind: "skip",
        code: UPSTREAM_CONDITION_FALSE,
        reason: `not run: it depends on step "${skippedDependency}", which was skipped by a condition`,
      };
    }
    if (step.when === "") return { kind: "run" };
    const compiled = this.compile(step);
    const fail = (message: string): ConditionDecision => ({
      kind: "fail",
      error: { code: CONDITION_ERROR, message: `condition ${step.when}: ${message}`, stepId: step.stepId },
    });
    if (!compiled.ok) return fail(compiled.problems.map(describeProblem).join("; "));
    const result = compiled.condition.evaluate(this.bindings(step, view));
    if (!result.ok) return fail(result.message);
    return result.value
      ? { kind: "run" }
      : { kind: "skip", code: CONDITION_FALSE, reason: `condition false: ${step.when}` };
  }

  private compile(step: Step): ReturnType<typeof compileCondition> {
    let compiled = this.compiled.get(step.stepId);
    if (compiled === undefined) {
      compiled = compileCondition(step.when, {
        known: new Set(this.byId.keys()),
        upstream: this.upstreamOf(step),
      });
      this.compiled.set(step.stepId, compiled);
    }
    return compiled;
  }

  private bindings(step: Step, view: ConditionView): ConditionBindings {
    const steps: Record<string, ConditionBindings["steps"][string]> = {};
    for (const id of this.upstreamOf(step)) {
      steps[id] = view.skippedByCondition(id)
        ? { outputs: {}, skipped: true }
        : { outputs: view.outputsOf(id) ?? {}, skipped: false };
    }
    return { inputs: view.inputs, steps };
  }

  /** Every step `step` waits for, directly or transitively. */
  private upstreamOf(step: Step): Set<string> {
    const seen = new Set<string>();
    const stack = [...step.dependsOn];
    for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
      if (seen.has(id)) continue;
      seen.add(id);
      stack.push(...(this.byId.get(id)?.dependsOn ?? []));
    }
    seen.delete(step.stepId);
    return seen;
  }
}
