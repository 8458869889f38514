import type { FieldViolation } from "@mcp/errors";
import { checkAtLeast, checkMaxLength, checkPattern, checkRequired, fieldPath, violation } from "./checks.js";
import { LABEL, MCP_NAME, RESERVED_LABEL, UUID } from "./patterns.js";

/** The `mcp` oneof every request (and McpReference) uses to address an MCP. */
export type McpOneof = { case: "id"; value: string } | { case: "name"; value: string } | { case: undefined };

/** The `selector` oneof choosing a version by number or label. */
export type SelectorOneof =
  { case: "version"; value: number } | { case: "label"; value: string } | { case: undefined };

/** Longest MCP name. */
export const MAX_NAME_LENGTH = 128;

/** Checks an MCP id: required, a UUID. */
export function checkId(id: string, field: string): FieldViolation[] {
  return [...checkRequired(id, field), ...checkPattern(id, UUID, "a UUID", field)];
}

/** Checks an MCP name: required, 1-128 characters, a letter then letters, digits, `_`, `.` or `-`. */
export function checkName(name: string, field: string): FieldViolation[] {
  return [
    ...checkRequired(name, field),
    ...checkMaxLength(name, MAX_NAME_LENGTH, field),
    ...checkPattern(name, MCP_NAME, "a letter followed by letters, digits, '_', '.' or '-'", field),
  ];
}

/**
 * Checks the `mcp` oneof under `base` (empty for a request's top level): one of `id` or `name` is
 * required and must be well-formed. A missing choice is reported on the oneof itself (`mcp`).
 */
export function checkMcpOneof(mcp: McpOneof, base = ""): FieldViolation[] {
  switch (mcp.case) {
    case "id":
      return checkId(mcp.value, fieldPath(base, "id"));
    case "name":
      return checkName(mcp.value, fieldPath(base, "name"));
    default:
      return [violation(fieldPath(base, "mcp"), "an MCP id or name is required")];
  }
}

/** Checks a version number that must point at a version (versions start at 1). */
export function checkVersion(version: number, field: string): FieldViolation[] {
  return checkAtLeast(version, 1, field);
}

/**
 * Checks a label: 1-63 characters of `a-z0-9_-` starting with a letter. With `settable`, the
 * reserved `latest` (moved by the registry itself) is rejected too.
 */
export function checkLabel(
  label: string,
  field: string,
  options: { settable?: boolean } = {},
): FieldViolation[] {
  const out = [
    ...checkRequired(label, field),
    ...checkPattern(label, LABEL, "1-63 characters of a-z, 0-9, '_' or '-', starting with a letter", field),
  ];
  if (options.settable && label === RESERVED_LABEL) {
    out.push(violation(field, `"${RESERVED_LABEL}" is reserved: the registry moves it by itself`));
  }
  return out;
}

/** Checks the optional `selector` oneof under `base`: a version ≥ 1 or a valid label (`latest` allowed). */
export function checkSelector(selector: SelectorOneof, base = ""): FieldViolation[] {
  switch (selector.case) {
    case "version":
      return checkVersion(selector.value, fieldPath(base, "version"));
    case "label":
      return checkLabel(selector.value, fieldPath(base, "label"));
    default:
      return [];
  }
}
