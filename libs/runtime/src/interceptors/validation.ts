import type { DescMessage, Message } from "@bufbuild/protobuf";
import type { Interceptor } from "@connectrpc/connect";
import { createAsyncIterable } from "@connectrpc/connect/protocol";
import { InvalidArgumentError, type FieldViolation } from "@mcp/errors";
import { inFieldOrder, REQUEST_SHAPE_LIMITS } from "@mcp/validation";
import { DEFAULT_RULES, type LimitRules } from "../requests/field-limits.js";
import { walkRequest } from "../requests/walk.js";

/** Checks one request message; returns every violation (empty = valid). */
export type Validator<T extends Message = Message> = (message: T) => FieldViolation[];

/** Request type name (e.g. `mcp.registry.v1.CreateMcpRequest`) → its validator. */
export type ValidationTable = ReadonlyMap<string, Validator>;

/** Builds a table from typed entries, so each validator sees its own request type. */
export function validationTable(
  entries: ReadonlyArray<readonly [{ readonly typeName: string }, Validator<never>]>,
): ValidationTable {
  return new Map(entries.map(([schema, validate]) => [schema.typeName, validate as Validator]));
}

/**
 * Validates every request once, before the handler (and before authentication, which reads the
 * database), and rejects it with INVALID_ARGUMENT listing the violations by field path:
 *
 * 1. the walk over the whole message against the limit table (docs/limits.md): every string at any
 *    depth free of U+0000 and unpaired surrogates and within its length, lists and maps within their
 *    counts, UUID fields, Struct sizes. A size violation stops here: the service's rules could be slow
 *    on oversize input or quote it back.
 * 2. the service's table (`validate` per request type): its domain rules.
 *
 * The violations are listed in field order (the request's field numbers, list indexes, map keys as
 * sent), whichever check found them.
 *
 * Unary and server-streaming requests alike (a server stream's single request message is read and
 * checked before the handler starts). Handlers can rely on valid input.
 */
export function validationInterceptor(
  table: ValidationTable,
  options: { rules?: LimitRules; maxViolations?: number } = {},
): Interceptor {
  const rules = options.rules ?? DEFAULT_RULES;
  const max = options.maxViolations ?? REQUEST_SHAPE_LIMITS.maxViolations;
  const check = (desc: DescMessage, message: Message) => {
    const walked = walkRequest(desc, message, rules, max);
    const violations = walked.oversize
      ? walked.violations
      : inFieldOrder(
          desc,
          message,
          distinct([...walked.violations, ...(table.get(message.$typeName)?.(message) ?? [])]),
        );
    if (violations.length > 0) throw new InvalidArgumentError(violations.slice(0, max));
  };
  return (next) => async (req) => {
    if (!req.stream) {
      check(req.method.input, req.message);
      return next(req);
    }
    if (req.method.methodKind !== "server_streaming") return next(req);
    const messages: Message[] = [];
    for await (const message of req.message) messages.push(message);
    for (const message of messages) check(req.method.input, message);
    return next({ ...req, message: createAsyncIterable(messages) });
  };
}

/** Violations without repeats (the walk and a service's rule may both find a bad UUID). */
function distinct(violations: readonly FieldViolation[]): FieldViolation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.field}\u0000${v.description}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
