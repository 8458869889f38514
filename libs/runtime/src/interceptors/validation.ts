import type { Interceptor } from "@connectrpc/connect";
import { InvalidArgumentError, type FieldViolation } from "@mcp/errors";
import type { Message } from "@bufbuild/protobuf";

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
 * Validates every unary and server-streaming request once, before the handler runs, and rejects it
 * with INVALID_ARGUMENT listing all violations. Handlers can rely on valid input.
 */
export function validationInterceptor(table: ValidationTable): Interceptor {
  return (next) => async (req) => {
    if (!req.stream) {
      const validate = table.get(req.message.$typeName);
      const violations = validate ? validate(req.message) : [];
      if (violations.length > 0) throw new InvalidArgumentError(violations);
    }
    return next(req);
  };
}
