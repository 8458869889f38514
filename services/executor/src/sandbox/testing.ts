/** Test helpers for the sandbox; not part of the runtime API. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

/** True when `pid` no longer runs: no such process, or a zombie nobody has reaped yet. */
export function processIsGone(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return true;
  }
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "Z" || state === "X";
}

/** Polls `condition` every 25 ms until it holds; false if it still does not after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

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
