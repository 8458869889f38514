import { create } from "@bufbuild/protobuf";
import type { Duration } from "@bufbuild/protobuf/wkt";
import { StepSchema, type Step, type WorkflowSpec } from "@mcp/proto/workflows";
import { SIGNAL_NAME } from "@mcp/validation";
import type { StepGraph } from "./graph.js";
import { stepInputViolations } from "./input-rules.js";
import { stepInputPath, stepPath, violation, type SpecViolation } from "./violation.js";

const MS_PER_DAY = 86_400_000;
/** Longest sleep or wait timeout: 366 days. */
const MAX_WAIT_MS = 366 * MS_PER_DAY;
/** Most characters of an approval's prompt. */
const MAX_PROMPT = 2000;
/** An RFC 3339 timestamp with its offset, e.g. `2026-01-31T09:00:00Z`. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** The five things a step may do, in field order. */
const KINDS = [
  ["mcp", (s: Step) => s.mcp !== undefined],
  ["sleep", (s: Step) => s.sleep !== undefined],
  ["wait_for_signal", (s: Step) => s.waitForSignal !== undefined],
  ["approval", (s: Step) => s.approval !== undefined],
  ["workflow", (s: Step) => s.workflow !== undefined],
] as const;

/** Whether the step waits (sleep, wait_for_signal, approval) instead of calling an MCP. */
export function isWaitStep(step: Step): boolean {
  return step.sleep !== undefined || step.waitForSignal !== undefined || step.approval !== undefined;
}

/**
 * Steps that wait (`sleep`, `wait_for_signal`, `approval`):
 * - a step does exactly one of mcp / sleep / wait_for_signal / approval: a second one is
 *   EXCLUSIVE_FIELDS on it, naming the step (none at all is the `mcp` REQUIRED of mcp-refs);
 * - sleep: exactly one of `duration` (1 ms..366 days) and `until` (a valid input source; a static
 *   value must be an RFC 3339 timestamp);
 * - wait_for_signal: `signal` 1-128 characters of `A-Za-z0-9_.-`; approval: `prompt` 1-2000 characters;
 *   a `timeout` is 1 s..366 days;
 * - such a step takes no `inputs` and no `retry` (NOT_ALLOWED_ON_WAIT_STEP); `for_each` is
 *   for-each-rules' FOR_EACH_NOT_ON_MCP_STEP.
 */
export function waitViolations(
  spec: WorkflowSpec,
  step: Step,
  index: number,
  graph: StepGraph,
  ancestors: ReadonlyArray<ReadonlySet<number>>,
): SpecViolation[] {
  if (!isWaitStep(step)) return [];
  const at = stepPath(index);
  const result: SpecViolation[] = [];
  const set = KINDS.filter(([, has]) => has(step)).map(([name]) => name);
  for (const extra of set.slice(1)) {
    result.push(
      violation(
        `${at}.${extra}`,
        "EXCLUSIVE_FIELDS",
        `step "${step.stepId}" sets both ${set[0]} and ${extra}; a step does exactly one of mcp, sleep, wait_for_signal, approval, workflow`,
      ),
    );
  }
  if (Object.keys(step.inputs).length > 0) {
    result.push(
      violation(
        `${at}.inputs`,
        "NOT_ALLOWED_ON_WAIT_STEP",
        `step "${step.stepId}" waits and calls no MCP, so it takes no inputs`,
      ),
    );
  }
  if (step.retry !== undefined) {
    result.push(
      violation(
        `${at}.retry`,
        "NOT_ALLOWED_ON_WAIT_STEP",
        `step "${step.stepId}" waits; a wait is not retried`,
      ),
    );
  }
  if (step.sleep) result.push(...sleepViolations(spec, step, index, graph, ancestors));
  if (step.waitForSignal) {
    const signal = step.waitForSignal.signal;
    const field = `${at}.wait_for_signal.signal`;
    if (signal === "") result.push(violation(field, "REQUIRED", "name the signal to wait for"));
    else if (!SIGNAL_NAME.test(signal))
      result.push(
        violation(
          field,
          "INVALID_FORMAT",
          `"${signal.slice(0, 140)}" is not a signal name (1-128 characters of a-z A-Z 0-9 _ . -)`,
        ),
      );
    result.push(...timeoutViolations(step.waitForSignal.timeout, `${at}.wait_for_signal.timeout`));
  }
  if (step.approval) {
    const prompt = step.approval.prompt;
    const field = `${at}.approval.prompt`;
    if (prompt === "") result.push(violation(field, "REQUIRED", "say what the approver is asked"));
    else if ([...prompt].length > MAX_PROMPT)
      result.push(violation(field, "TOO_LONG", `an approval prompt is at most ${MAX_PROMPT} characters`));
    result.push(...timeoutViolations(step.approval.timeout, `${at}.approval.timeout`));
  }
  return result;
}

function sleepViolations(
  spec: WorkflowSpec,
  step: Step,
  index: number,
  graph: StepGraph,
  ancestors: ReadonlyArray<ReadonlySet<number>>,
): SpecViolation[] {
  const sleep = step.sleep;
  if (!sleep) return [];
  const at = `${stepPath(index)}.sleep`;
  if (sleep.duration === undefined && sleep.until === undefined)
    return [violation(at, "REQUIRED", "set how long to sleep: duration or until")];
  const result: SpecViolation[] = [];
  if (sleep.duration !== undefined && sleep.until !== undefined)
    result.push(violation(`${at}.until`, "EXCLUSIVE_FIELDS", "set duration or until, not both"));
  if (sleep.duration !== undefined) {
    const ms = durationMs(sleep.duration);
    if (!(ms >= 1 && ms <= MAX_WAIT_MS))
      result.push(violation(`${at}.duration`, "OUT_OF_RANGE", "a sleep lasts 1 ms to 366 days"));
  }
  const until = sleep.until;
  if (until !== undefined) {
    // the same rules as a step input, reported at sleep.until
    const probe = create(StepSchema, { stepId: step.stepId, inputs: { until } });
    const inputPath = stepInputPath(index, "until");
    for (const v of stepInputViolations(spec, probe, index, graph, ancestors)) {
      result.push({ ...v, field: v.field.replace(inputPath, `${at}.until`) });
    }
    const source = until.source;
    if (source.case === "staticValue") {
      const kind = source.value.kind;
      if (kind.case !== "stringValue" || !RFC3339.test(kind.value) || Number.isNaN(Date.parse(kind.value)))
        result.push(
          violation(
            `${at}.until.static_value`,
            "INVALID_FORMAT",
            "until is an RFC 3339 timestamp with its offset, e.g. 2026-01-31T09:00:00Z",
          ),
        );
    } else if (source.case === "item" || source.case === "itemIndex") {
      result.push(
        violation(
          `${at}.until`,
          "INVALID_FORMAT",
          "until reads a static value, a workflow input or a step output",
        ),
      );
    }
  }
  return result;
}

function timeoutViolations(timeout: Duration | undefined, field: string): SpecViolation[] {
  if (timeout === undefined) return [];
  const ms = durationMs(timeout);
  return ms >= 1000 && ms <= MAX_WAIT_MS
    ? []
    : [violation(field, "OUT_OF_RANGE", "a timeout is 1 s to 366 days")];
}

/** A Duration in milliseconds; NaN when its seconds and nanos disagree in sign or nanos are out of range. */
function durationMs(d: Duration): number {
  const seconds = Number(d.seconds);
  if (Math.abs(d.nanos) > 999_999_999 || (seconds > 0 && d.nanos < 0) || (seconds < 0 && d.nanos > 0))
    return NaN;
  return seconds * 1000 + d.nanos / 1e6;
}
