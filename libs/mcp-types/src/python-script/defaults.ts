import { clone } from "@bufbuild/protobuf";
import { PythonScriptConfigSchema, type PythonScriptConfig } from "@mcp/proto/registry";

/** Wall-clock limit when none is given, in seconds. */
export const DEFAULT_PYTHON_TIMEOUT_SECONDS = 60;
/** Memory cap when none is given, in MiB (a notebook, which has no setting for it, gets it too). */
export const DEFAULT_MEMORY_LIMIT_MB = 512;

/** A copy with defaults filled in: timeout 60 s, memory 512 MiB. */
export function pythonScriptWithDefaults(config: PythonScriptConfig): PythonScriptConfig {
  const out = clone(PythonScriptConfigSchema, config);
  out.timeoutSeconds ??= DEFAULT_PYTHON_TIMEOUT_SECONDS;
  out.memoryLimitMb ??= DEFAULT_MEMORY_LIMIT_MB;
  return out;
}
