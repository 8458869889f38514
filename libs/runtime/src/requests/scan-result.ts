import type { FieldViolation } from "@mcp/errors";

/** The whole-request limits the scanners enforce on raw bytes (see `REQUEST_SHAPE_LIMITS`). */
export interface ShapeLimits {
  readonly maxFields: number;
  readonly maxDepth: number;
  readonly maxJsonScalarChars: number;
  readonly maxJsonNumberChars: number;
  readonly maxFramedJsonBytes: number;
  readonly maxViolations: number;
}

/** Thrown inside a scanner to stop at a problem after which the rest cannot be read. */
export class ScanStop extends Error {
  constructor(readonly violation: FieldViolation) {
    super(violation.description);
  }
}

/** Joins a field path: `a.b`, or `b` at the top. */
export function join(path: string, name: string): string {
  return path ? `${path}.${name}` : name;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Path of a Struct member or message key: `a.key`, or `a["odd key"]` when it is not an identifier. */
export function memberPath(path: string, key: string): string {
  return IDENTIFIER.test(key) ? join(path, key) : `${path}[${JSON.stringify(key)}]`;
}

/** Path of a proto map entry: `a["key"]`. */
export function entryPath(path: string, key: string): string {
  return `${path}[${JSON.stringify(key)}]`;
}

/** The description of a request with too many fields. */
export function tooManyFields(limits: ShapeLimits): FieldViolation {
  return {
    field: "",
    description:
      `the request holds more than ${limits.maxFields} fields (each list element, map entry and ` +
      "Struct member counts); send less per call",
  };
}

/** The description of a request nested too deep at `field`. */
export function tooDeep(field: string, limits: ShapeLimits): FieldViolation {
  return { field, description: `nests more than ${limits.maxDepth} levels deep` };
}
