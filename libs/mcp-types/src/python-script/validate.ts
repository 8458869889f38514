import type { FieldViolation } from "@mcp/errors";
import type { PythonScriptConfig } from "@mcp/proto/registry";
import { checkMaxBytes, checkMaxItems, checkRange, fieldPath, indexPath, violation } from "@mcp/validation";
import { hasLineBreak, isAbsolutePath } from "@mcp/validation";

/** Largest inline script: 1 MiB. */
export const MAX_SCRIPT_BYTES = 1024 * 1024;
/** Most pip requirements. */
export const MAX_REQUIREMENTS = 100;

/**
 * Checks a python_script config at `path`: exactly one of script_content (non-empty, ≤ 1 MiB) or
 * script_path (absolute); timeout 1..3600; memory_limit_mb 16..65536; at most 100 requirements,
 * each a single non-empty line that is not a pip option.
 */
export function validatePythonScript(config: PythonScriptConfig, path: string): FieldViolation[] {
  return [
    ...checkSource(config.source, path),
    ...checkRange(config.timeoutSeconds, 1, 3600, fieldPath(path, "timeout_seconds")),
    ...checkRange(config.memoryLimitMb, 16, 65_536, fieldPath(path, "memory_limit_mb")),
    ...checkRequirements(config.requirements, fieldPath(path, "requirements")),
  ];
}

function checkSource(source: PythonScriptConfig["source"], path: string): FieldViolation[] {
  switch (source.case) {
    case "scriptContent": {
      const field = fieldPath(path, "script_content");
      if (source.value.trim() === "") return [violation(field, "must not be empty")];
      return checkMaxBytes(source.value, MAX_SCRIPT_BYTES, field);
    }
    case "scriptPath":
      return isAbsolutePath(source.value)
        ? []
        : [violation(fieldPath(path, "script_path"), "must be an absolute path")];
    default:
      return [
        violation(fieldPath(path, "source"), "exactly one of script_content or script_path is required"),
      ];
  }
}

function checkRequirements(requirements: readonly string[], field: string): FieldViolation[] {
  return [
    ...checkMaxItems(requirements, MAX_REQUIREMENTS, field),
    ...requirements.flatMap((requirement, i) => {
      const at = indexPath(field, i);
      if (requirement.trim() === "") return [violation(at, "must not be empty")];
      if (hasLineBreak(requirement)) return [violation(at, "must be a single line")];
      if (requirement.trim().startsWith("-"))
        return [violation(at, "must be a requirement specifier, not a pip option")];
      return [];
    }),
  ];
}
