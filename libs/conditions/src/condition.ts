import { CelScalar, celEnv, isCelError, mapType, parse, plan } from "@bufbuild/cel";
import { checkCondition, type Expr, type StepScope } from "./check.js";

/** The longest `when` accepted, in characters. */
export const MAX_CONDITION_LENGTH = 4096;

/**
 * The environment every condition is checked and evaluated in: `inputs`, the run's inputs, and
 * `steps`, `steps.<id>.outputs` / `steps.<id>.skipped` of the steps upstream of the condition's step.
 * CEL's standard functions and macros; no extensions.
 */
export const ENV = celEnv({
  variables: {
    inputs: mapType(CelScalar.STRING, CelScalar.DYN),
    steps: mapType(CelScalar.STRING, mapType(CelScalar.STRING, CelScalar.DYN)),
  },
});

/** Where in the expression a problem is: 0-based offset, 1-based line and column. */
export interface SourcePosition {
  readonly offset: number;
  readonly line: number;
  readonly column: number;
}

/** Why a condition cannot be accepted. */
export interface ConditionProblem {
  /**
   * `syntax`: CEL cannot parse it; `type`: a type error (incl. a result that is not bool);
   * `unknown-step` / `step-not-upstream`: `steps.<id>` names a step that does not exist / is not
   * upstream of the condition's step;
   * `too-long`: over {@link MAX_CONDITION_LENGTH}.
   */
  readonly kind: "syntax" | "type" | "unknown-step" | "step-not-upstream" | "too-long";
  readonly position: SourcePosition;
  /** What is wrong, without the position. */
  readonly message: string;
}

/** A condition that parsed and type-checked: evaluate it as often as needed. */
export interface CompiledCondition {
  readonly source: string;
  evaluate(bindings: ConditionBindings): ConditionResult;
}

/** What a condition reads at run time. */
export interface ConditionBindings {
  /** The run's inputs (JSON). */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** Upstream steps by id: their outputs (`{}` when skipped) and whether they were skipped. */
  readonly steps: Readonly<
    Record<string, { readonly outputs: Readonly<Record<string, unknown>>; readonly skipped: boolean }>
  >;
}

/** A condition's value, or why it has none. */
export type ConditionResult =
  { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly message: string };

/**
 * Parses and type-checks a condition for a step whose upstream steps are `steps.upstream`. Returns the
 * compiled condition, or every problem found (a syntax error stops at the first).
 */
export function compileCondition(
  source: string,
  steps: StepScope,
): { ok: true; condition: CompiledCondition } | { ok: false; problems: ConditionProblem[] } {
  if (source.length > MAX_CONDITION_LENGTH) {
    return {
      ok: false,
      problems: [
        {
          kind: "too-long",
          position: positionAt(source, MAX_CONDITION_LENGTH),
          message: `a condition is at most ${MAX_CONDITION_LENGTH} characters (this one has ${source.length})`,
        },
      ],
    };
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    return { ok: false, problems: [syntaxProblem(source, error)] };
  }
  try {
    return checked(source, parsed, steps);
  } catch (error) {
    // a tree deep enough to exhaust the stack (e.g. 2,000 chained `+`) while checked or planned
    const message = error instanceof RangeError ? "the expression is nested too deeply" : errorText(error);
    return { ok: false, problems: [{ kind: "type", position: positionAt(source, 0), message }] };
  }
}

function checked(
  source: string,
  parsed: ReturnType<typeof parse>,
  steps: StepScope,
): { ok: true; condition: CompiledCondition } | { ok: false; problems: ConditionProblem[] } {
  const offsets = parsed.sourceInfo?.positions ?? {};
  const at = (id: bigint): SourcePosition =>
    positionAt(source, skipSpace(source, offsets[id.toString()] ?? 0));
  const { type, problems } = checkCondition(ENV, parsed.expr, steps);
  const found: ConditionProblem[] = problems.map((p) => ({
    kind: p.kind,
    position: at(p.exprId),
    message: p.message,
  }));
  if (found.length === 0 && type !== undefined && type !== CelScalar.BOOL && type !== CelScalar.DYN) {
    found.push({
      kind: "type",
      position: at(parsed.expr.id),
      message: `a condition must be of type bool, this one is of type ${type.toString()}`,
    });
  }
  if (found.length > 0) return { ok: false, problems: found };
  return { ok: true, condition: compiled(source, parsed.expr) };
}

/** `line:column: message` — how a problem is worded in violations. */
export function describeProblem(problem: ConditionProblem): string {
  const { line, column } = problem.position;
  const what = problem.kind === "syntax" ? "syntax error" : problem.kind === "type" ? "type error" : "error";
  return `CEL ${what} at ${line}:${column}: ${problem.message}`;
}

function compiled(source: string, expr: Expr): CompiledCondition {
  const run = plan(ENV, expr);
  return {
    source,
    evaluate(bindings) {
      let value: ReturnType<typeof run>;
      try {
        value = run({ inputs: bindings.inputs as never, steps: bindings.steps as never });
      } catch (error) {
        return { ok: false, message: errorText(error) };
      }
      if (isCelError(value)) return { ok: false, message: value.message };
      if (typeof value !== "boolean") {
        return {
          ok: false,
          message: `the condition is not a bool at run time (found ${describeValue(value)})`,
        };
      }
      return { ok: true, value };
    },
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "bigint") return "int";
  if (typeof value === "number") return "double";
  if (typeof value === "string") return "string";
  return "a value of another type";
}

/** A parse failure as a problem; `@bufbuild/cel`'s syntax errors carry a 1-based line and column. */
export function syntaxProblem(source: string, error: unknown): ConditionProblem {
  const location = (error as { location?: { start?: { offset?: number; line?: number; column?: number } } })
    .location?.start;
  const raw = error instanceof Error ? error.message : String(error);
  const message = raw.replace(/^<input>:\d+:\d+: /, "");
  if (location?.line !== undefined && location.column !== undefined) {
    const offset = location.offset ?? offsetOf(source, location.line, location.column);
    return { kind: "syntax", position: { offset, line: location.line, column: location.column }, message };
  }
  return { kind: "syntax", position: positionAt(source, 0), message };
}

/** The parser places an operator at the blank before it: point at the operator itself. */
export function skipSpace(source: string, offset: number): number {
  let at = offset;
  while (at < source.length && /\s/.test(source[at] ?? "")) at++;
  return at < source.length ? at : offset;
}

/** The 1-based line and column of a 0-based offset. */
export function positionAt(source: string, offset: number): SourcePosition {
  const before = source.slice(0, offset);
  const lineStart = before.lastIndexOf("\n") + 1;
  return { offset, line: before.split("\n").length, column: offset - lineStart + 1 };
}

function offsetOf(source: string, line: number, column: number): number {
  const lines = source.split("\n").slice(0, line - 1);
  return lines.reduce((sum, l) => sum + l.length + 1, 0) + column - 1;
}
