import { CelScalar, isCelError, parse, plan } from "@bufbuild/cel";
import { checkCondition } from "./check.js";
import {
  ENV,
  errorText,
  MAX_CONDITION_LENGTH,
  positionAt,
  skipSpace,
  syntaxProblem,
  type ConditionProblem,
  type SourcePosition,
} from "./condition.js";

/** A concurrency key expression that parsed and type-checked: evaluate it over a run's inputs. */
export interface CompiledKey {
  readonly source: string;
  evaluate(inputs: Readonly<Record<string, unknown>>): KeyResult;
}

/** A key's value as a string, or why it has none. */
export type KeyResult =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly message: string };

/** The CEL types a key may have: each is turned into a string. */
const KEY_TYPES = new Set<unknown>([
  CelScalar.STRING,
  CelScalar.INT,
  CelScalar.UINT,
  CelScalar.DOUBLE,
  CelScalar.BOOL,
  CelScalar.DYN,
]);

/**
 * Parses and type-checks a workflow's concurrency key (`WorkflowSpec.concurrency_key`): CEL over
 * `inputs` only (a `steps.<id>` reference is an unknown step: no step has run when a run starts), of
 * type string, int, uint, double or bool (or dyn, checked at run time), at most
 * {@link MAX_CONDITION_LENGTH} characters. The same environment and checker as step conditions.
 */
export function compileKey(
  source: string,
): { ok: true; key: CompiledKey } | { ok: false; problems: ConditionProblem[] } {
  if (source.length > MAX_CONDITION_LENGTH) {
    const message = `a concurrency key is at most ${MAX_CONDITION_LENGTH} characters (this one has ${source.length})`;
    return {
      ok: false,
      problems: [{ kind: "too-long", position: positionAt(source, MAX_CONDITION_LENGTH), message }],
    };
  }
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(source);
  } catch (error) {
    return { ok: false, problems: [syntaxProblem(source, error)] };
  }
  try {
    const offsets = parsed.sourceInfo?.positions ?? {};
    const at = (id: bigint): SourcePosition =>
      positionAt(source, skipSpace(source, offsets[id.toString()] ?? 0));
    const { type, problems } = checkCondition(ENV, parsed.expr, { known: new Set(), upstream: new Set() });
    const found: ConditionProblem[] = problems.map((p) => ({
      kind: p.kind,
      position: at(p.exprId),
      message: p.message,
    }));
    if (found.length === 0 && type !== undefined && !KEY_TYPES.has(type)) {
      found.push({
        kind: "type",
        position: at(parsed.expr.id),
        message: `a concurrency key must be a string, int, uint, double or bool; this one is of type ${type.toString()}`,
      });
    }
    if (found.length > 0) return { ok: false, problems: found };
    const run = plan(ENV, parsed.expr);
    return {
      ok: true,
      key: {
        source,
        evaluate(inputs) {
          let value: ReturnType<typeof run>;
          try {
            value = run({ inputs: inputs as never, steps: {} });
          } catch (error) {
            return { ok: false, message: errorText(error) };
          }
          if (isCelError(value)) return { ok: false, message: value.message };
          return keyString(value);
        },
      },
    };
  } catch (error) {
    const message = error instanceof RangeError ? "the expression is nested too deeply" : errorText(error);
    return { ok: false, problems: [{ kind: "type", position: positionAt(source, 0), message }] };
  }
}

/** A scalar key value as its string; anything else (null, a list, a map) has none. */
function keyString(value: unknown): KeyResult {
  if (typeof value === "string") return { ok: true, value };
  if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean")
    return { ok: true, value: String(value) };
  if (typeof value === "object" && value !== null && typeof (value as { value?: unknown }).value === "bigint")
    return { ok: true, value: String((value as { value: bigint }).value) };
  return {
    ok: false,
    message: `the concurrency key must be a string, number or bool at run time (found ${value === null ? "null" : typeof value})`,
  };
}
