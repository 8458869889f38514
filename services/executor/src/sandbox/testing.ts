/** Test helpers for the sandbox; not part of the runtime API. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";

/** Builds, in `dir`, a minimal pure-Python wheel pip installs with no index: module `mcp_probe`, `VALUE = 42`. */
export function buildProbeWheel(python: string, dir: string): string {
  const wheel = join(dir, "mcp_probe-1.0-py3-none-any.whl");
  const code = `
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    z.writestr("mcp_probe.py", "VALUE = 42\\n")
    z.writestr("mcp_probe-1.0.dist-info/METADATA", "Metadata-Version: 2.1\\nName: mcp-probe\\nVersion: 1.0\\n")
    z.writestr("mcp_probe-1.0.dist-info/WHEEL", "Wheel-Version: 1.0\\nGenerator: spec\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n")
    z.writestr("mcp_probe-1.0.dist-info/RECORD", "")
`;
  execFileSync(python, ["-c", code, wheel]);
  return wheel;
}
