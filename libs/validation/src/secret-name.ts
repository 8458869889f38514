import type { FieldViolation } from "@mcp/errors";
import { checkPattern, checkRequired, violation } from "./checks.js";

/**
 * A secret's name, as a step's environment variable sees it: letters, digits and `_`, not starting
 * with a digit, 1-128 characters. Case-sensitive.
 */
export const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/** Variables the sandbox sets for every process; a secret must not replace them. */
const RESERVED_SECRET_NAMES: ReadonlySet<string> = new Set([
  "PATH",
  "HOME",
  "TMPDIR",
  "LANG",
  "LC_ALL",
  "PWD",
  "SHELL",
  "USER",
  "LOGNAME",
  "TERM",
]);

/** Reserved name prefixes and why a secret must not use them. */
const RESERVED_SECRET_PREFIXES: ReadonlyArray<readonly [string, string]> = [
  ["LD_", "the dynamic loader reads them (LD_PRELOAD, LD_LIBRARY_PATH) before any program runs"],
  ["PYTHON", "they change how Python starts (PYTHONPATH, PYTHONSTARTUP, PYTHONHOME)"],
  ["MCP_", "the platform sets them for a step"],
  ["BASH_FUNC", "bash imports them as functions"],
];

/**
 * Why a secret may not have this name (it would clash with what a sandboxed process needs), or
 * undefined when it may. Case-sensitive, like environment variables: `Path` is allowed.
 */
export function reservedSecretName(name: string): string | undefined {
  if (RESERVED_SECRET_NAMES.has(name)) {
    return `"${name}" is reserved: the sandbox sets it for every process a step starts, so a secret cannot replace it`;
  }
  for (const [prefix, why] of RESERVED_SECRET_PREFIXES) {
    if (name.startsWith(prefix)) return `names starting with "${prefix}" are reserved: ${why}`;
  }
  return undefined;
}

/**
 * Checks a secret name: required, {@link SECRET_NAME}; with `forWrite` (creating a secret, or naming
 * one a step receives) also not reserved ({@link reservedSecretName}).
 */
export function checkSecretName(
  name: string,
  field: string,
  options: { forWrite?: boolean } = {},
): FieldViolation[] {
  const problems = [
    ...checkRequired(name, field),
    ...checkPattern(
      name,
      SECRET_NAME,
      "1-128 characters of letters, digits and '_', not starting with a digit (an environment variable name)",
      field,
    ),
  ];
  if (problems.length > 0 || !options.forWrite) return problems;
  const reserved = reservedSecretName(name);
  return reserved ? [violation(field, reserved)] : [];
}
