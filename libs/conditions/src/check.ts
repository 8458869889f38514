import { CelScalar, listType, mapType, type CelEnv, type CelType, type parse } from "@bufbuild/cel";

/** A parsed CEL expression node (`cel.expr.Expr`), as `@bufbuild/cel`'s parse returns it. */
export type Expr = ReturnType<typeof parse>["expr"];

/** A type problem at one node of the expression. */
export interface TypeProblem {
  /** The node's id (its position is in the parse's `sourceInfo.positions`). */
  readonly exprId: bigint;
  readonly kind: "type" | "unknown-step" | "step-not-upstream";
  readonly message: string;
}

/**
 * The type of a node: a CEL type, or one of the two shapes of `steps`: the whole map, and one step's
 * entry (`steps.<id>`: `outputs`, a map(string, dyn), and `skipped`, a bool).
 */
type Ty = CelType | { readonly kind: "steps" } | { readonly kind: "step-entry" };

/** What the checker is told about the `steps` variable. */
export interface StepScope {
  /** Every step id of the spec. */
  readonly known: ReadonlySet<string>;
  /** The ids the condition may read: the steps upstream of its step through `depends_on`. */
  readonly upstream: ReadonlySet<string>;
}

const { BOOL, DYN, INT, STRING, NULL, TYPE } = CelScalar;
const DYN_MAP = mapType(STRING, DYN);
const DYN_LIST = listType(DYN);
/** The type names an identifier may denote, e.g. `type(x) == string`. */
const TYPE_NAMES = new Set([
  "int",
  "uint",
  "double",
  "bool",
  "string",
  "bytes",
  "list",
  "map",
  "null_type",
  "type",
  "dyn",
]);
/** Step entry fields (see {@link Ty}). */
const STEP_ENTRY_FIELDS: Record<string, CelType> = { outputs: DYN_MAP, skipped: BOOL };

/**
 * A static type check of a parsed condition over `inputs` (map(string, dyn)) and `steps` (see
 * {@link StepScope}), with the overloads the environment's functions declare. `@bufbuild/cel` 0.6.1
 * parses and evaluates the whole language but its own checker types only constants and identifiers,
 * so this walks the parsed tree: identifiers, field selection, indexing, literals, macros (expanded to
 * comprehensions by the parser) and calls resolved against the declared overloads. `dyn` is
 * compatible with everything, so whatever depends on the run's data is left to run time. Returns the
 * expression's type (undefined when a problem makes it unknown) and every problem found.
 */
export function checkCondition(
  env: CelEnv,
  expr: Expr,
  steps: StepScope,
): { type: CelType | undefined; problems: TypeProblem[] } {
  const checker = new Checker(env, steps);
  const type = checker.typeOf(expr, new Map());
  return { type: type === undefined ? undefined : plain(type), problems: checker.problems };
}

class Checker {
  readonly problems: TypeProblem[] = [];

  constructor(
    private readonly env: CelEnv,
    private readonly steps: StepScope,
  ) {}

  /** The node's type, or undefined after reporting why it has none. */
  typeOf(expr: Expr, scope: ReadonlyMap<string, Ty>): Ty | undefined {
    const kind = expr.exprKind;
    switch (kind.case) {
      case "constExpr":
        return constType(kind.value.constantKind.case);
      case "identExpr":
        return this.ident(expr.id, kind.value.name, scope);
      case "selectExpr": {
        const operand = kind.value.operand;
        if (!operand) return DYN;
        const type = this.typeOf(operand, scope);
        if (type === undefined) return undefined;
        const selected = this.select(expr.id, type, kind.value.field);
        return kind.value.testOnly ? (selected === undefined ? undefined : BOOL) : selected;
      }
      case "callExpr":
        return this.call(expr.id, kind.value, scope);
      case "listExpr": {
        const elements = kind.value.elements.map((e) => this.typeOf(e, scope));
        if (elements.includes(undefined)) return undefined;
        return listType(join(elements.map((t) => plain(t as Ty))));
      }
      case "structExpr": {
        if (kind.value.messageName !== "") {
          return this.problem(
            expr.id,
            "type",
            `message construction (${kind.value.messageName}) is not available`,
          );
        }
        const keys: CelType[] = [];
        const values: CelType[] = [];
        let ok = true;
        for (const entry of kind.value.entries) {
          const key = entry.keyKind.case === "mapKey" ? this.typeOf(entry.keyKind.value, scope) : STRING;
          const value = entry.value ? this.typeOf(entry.value, scope) : DYN;
          if (key === undefined || value === undefined) ok = false;
          else {
            keys.push(plain(key));
            values.push(plain(value));
          }
        }
        if (!ok) return undefined;
        const key = join(keys);
        return mapType(isMapKey(key) ? key : DYN, join(values));
      }
      case "comprehensionExpr": {
        const c = kind.value;
        const range = c.iterRange ? this.typeOf(c.iterRange, scope) : DYN;
        const init = c.accuInit ? this.typeOf(c.accuInit, scope) : DYN;
        if (range === undefined || init === undefined) return undefined;
        const element = iterationType(plain(range));
        if (element === undefined) {
          return this.problem(expr.id, "type", `cannot iterate over a value of type ${describe(range)}`);
        }
        const inner = new Map(scope);
        inner.set(c.iterVar, element);
        if (c.iterVar2 !== "") inner.set(c.iterVar2, DYN);
        inner.set(c.accuVar, widen(plain(init)));
        const parts = [c.loopCondition, c.loopStep].map((e) => (e ? this.typeOf(e, inner) : DYN));
        if (parts.includes(undefined)) return undefined;
        return c.result ? this.typeOf(c.result, inner) : DYN;
      }
      case undefined:
        return DYN;
    }
  }

  private ident(id: bigint, name: string, scope: ReadonlyMap<string, Ty>): Ty | undefined {
    const local = scope.get(name);
    if (local !== undefined) return local;
    if (name === "steps") return { kind: "steps" };
    const declared = this.env.variables.find(name);
    if (declared !== undefined) return declared;
    if (TYPE_NAMES.has(name)) return TYPE;
    return this.problem(id, "type", `undeclared reference to '${name}' (only inputs and steps are defined)`);
  }

  private select(id: bigint, type: Ty, field: string): Ty | undefined {
    switch (type.kind) {
      case "steps":
        return this.stepEntry(id, field);
      case "step-entry": {
        const fieldType = STEP_ENTRY_FIELDS[field];
        if (fieldType !== undefined) return fieldType;
        return this.problem(id, "type", `steps.<id> has only the fields outputs and skipped, not '${field}'`);
      }
      case "map":
        return type.key === STRING || type.key === DYN
          ? type.value
          : this.problem(id, "type", `cannot select field '${field}' from ${describe(type)}`);
      case "scalar":
        if (type === DYN) return DYN;
        return this.problem(
          id,
          "type",
          `cannot select field '${field}' from a value of type ${describe(type)}`,
        );
      default:
        return this.problem(
          id,
          "type",
          `cannot select field '${field}' from a value of type ${describe(type)}`,
        );
    }
  }

  /** `steps.<id>` / `steps["<id>"]`: the step must exist and be upstream. */
  private stepEntry(id: bigint, stepId: string): Ty | undefined {
    if (!this.steps.known.has(stepId)) {
      return this.problem(id, "unknown-step", `steps.${stepId}: no step has id "${stepId}"`);
    }
    if (!this.steps.upstream.has(stepId)) {
      return this.problem(
        id,
        "step-not-upstream",
        `steps.${stepId}: step "${stepId}" is not upstream of this step (list it in depends_on, directly or through other steps)`,
      );
    }
    return { kind: "step-entry" };
  }

  private call(
    id: bigint,
    call: Extract<Expr["exprKind"], { case: "callExpr" }>["value"],
    scope: ReadonlyMap<string, Ty>,
  ): Ty | undefined {
    const name = call.function;
    // steps["id"] with a literal id is steps.id
    const [first, second] = call.args;
    if (
      name === "_[_]" &&
      first?.exprKind.case === "identExpr" &&
      first.exprKind.value.name === "steps" &&
      !scope.has("steps")
    ) {
      const key = second?.exprKind;
      if (key?.case === "constExpr" && key.value.constantKind.case === "stringValue") {
        return this.stepEntry(id, key.value.constantKind.value);
      }
    }
    const target = call.target ? this.typeOf(call.target, scope) : undefined;
    const args = call.args.map((a) => this.typeOf(a, scope));
    if ((call.target && target === undefined) || args.includes(undefined)) return undefined;
    const argTypes = (args as Ty[]).map(plain);
    switch (name) {
      case "_&&_":
      case "_||_":
      case "!_":
        return this.expectBool(id, name, argTypes) ? BOOL : undefined;
      case "@not_strictly_false":
      case "__not_strictly_false__":
        return BOOL;
      case "_?_:_": {
        const [cond, yes, no] = argTypes;
        if (!this.expectBool(id, name, cond ? [cond] : [])) return undefined;
        return join([yes ?? DYN, no ?? DYN]);
      }
      case "_[_]":
        return this.index(id, argTypes[0] ?? DYN, argTypes[1] ?? DYN);
      case "_[?_]":
      case "_?._":
        return DYN;
      case "_==_":
      case "_!=_": {
        const [l = DYN, r = DYN] = argTypes;
        if (!comparable(l, r)) {
          return this.problem(
            id,
            "type",
            `no matching overload for '${name}' applied to (${describe(l)}, ${describe(r)})`,
          );
        }
        return BOOL;
      }
      case "type":
        return TYPE;
      case "dyn":
        return DYN;
    }
    const targetType = target === undefined ? undefined : plain(target);
    return this.overload(id, name, targetType, argTypes);
  }

  private expectBool(id: bigint, name: string, args: CelType[]): boolean {
    const bad = args.find((t) => t !== BOOL && t !== DYN);
    if (bad === undefined) return true;
    this.problem(
      id,
      "type",
      `no matching overload for '${name}': expected bool operands, found ${describe(bad)}`,
    );
    return false;
  }

  private index(id: bigint, container: CelType, key: CelType): Ty | undefined {
    switch (container.kind) {
      case "list":
        if (assignable(INT, key) || key.name === "uint" || key.name === "double") return container.element;
        return this.problem(id, "type", `a list is indexed by an int, not ${describe(key)}`);
      case "map":
        if (assignable(container.key, key)) return container.value;
        return this.problem(
          id,
          "type",
          `${describe(container)} is indexed by ${describe(container.key)}, not ${describe(key)}`,
        );
      default:
        if (container === DYN) return DYN;
        return this.problem(id, "type", `a value of type ${describe(container)} cannot be indexed`);
    }
  }

  /** Resolves a call against the environment's declared overloads. */
  private overload(id: bigint, name: string, target: CelType | undefined, args: CelType[]): Ty | undefined {
    const group = this.env.funcs.find(name);
    const results: CelType[] = [];
    for (const func of group ?? []) {
      if ((func.target === undefined) !== (target === undefined)) continue;
      if (func.target !== undefined && target !== undefined && !assignable(func.target, target)) continue;
      if (func.arguments.length !== args.length) continue;
      if (func.arguments.every((param, i) => assignable(param, args[i] ?? DYN))) results.push(func.result);
    }
    if (results.length > 0) return join(results);
    const call = target === undefined ? name : `${describe(target)}.${name}`;
    if (group === undefined) return this.problem(id, "type", `undeclared function '${name}'`);
    return this.problem(
      id,
      "type",
      `no matching overload for '${call}' applied to (${args.map(describe).join(", ")})`,
    );
  }

  private problem(exprId: bigint, kind: TypeProblem["kind"], message: string): undefined {
    this.problems.push({ exprId, kind, message });
    return undefined;
  }
}

function constType(kind: string | undefined): CelType {
  switch (kind) {
    case "boolValue":
      return BOOL;
    case "int64Value":
      return INT;
    case "uint64Value":
      return CelScalar.UINT;
    case "doubleValue":
      return CelScalar.DOUBLE;
    case "stringValue":
      return STRING;
    case "bytesValue":
      return CelScalar.BYTES;
    case "nullValue":
      return NULL;
    default:
      return DYN;
  }
}

/** The `steps` shapes as the CEL types they are at run time. */
function plain(type: Ty): CelType {
  if (type.kind === "steps") return mapType(STRING, DYN_MAP);
  if (type.kind === "step-entry") return DYN_MAP;
  return type;
}

/** Whether a value of type `actual` may be passed where `param` is declared. */
function assignable(param: CelType, actual: CelType): boolean {
  if (param === DYN || actual === DYN) return true;
  if (param.kind !== actual.kind) return false;
  if (param.kind === "list" && actual.kind === "list") return assignable(param.element, actual.element);
  if (param.kind === "map" && actual.kind === "map") {
    return assignable(param.key, actual.key) && assignable(param.value, actual.value);
  }
  return param.name === actual.name;
}

const NUMERIC = new Set(["int", "uint", "double"]);

/** CEL equality: same types, numbers across kinds, null against anything nullable, dyn against all. */
function comparable(l: CelType, r: CelType): boolean {
  if (l === NULL || r === NULL) return true;
  if (NUMERIC.has(l.name) && NUMERIC.has(r.name)) return true;
  return assignable(l, r) && assignable(r, l);
}

/** The common type of several (dyn when they differ). */
function join(types: readonly CelType[]): CelType {
  const [first, ...rest] = types;
  if (first === undefined) return DYN;
  return rest.every((t) => t.toString() === first.toString()) ? first : DYN;
}

/** An accumulator starts as its initial value's type; an empty list literal grows, so it is list(dyn). */
function widen(type: CelType): CelType {
  return type.kind === "list" ? DYN_LIST : type;
}

function iterationType(range: CelType): CelType | undefined {
  if (range.kind === "list") return range.element;
  if (range.kind === "map") return range.key;
  return range === DYN ? DYN : undefined;
}

function isMapKey(type: CelType): type is Parameters<typeof mapType>[0] {
  return type === DYN || type === INT || type === STRING || type === BOOL || type === CelScalar.UINT;
}

function describe(type: Ty): string {
  const t = plain(type);
  return t.toString();
}
