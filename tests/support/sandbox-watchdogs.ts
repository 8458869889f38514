import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/**
 * The sandbox watchdogs this test process started (watchdog.ts: python3 children of this process whose
 * command line ends with their sandbox's folder), by pid: their folders.
 */
export function ownWatchdogs(): Map<number, string> {
  const found = new Map<number, string>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // the parent's pid is the field after the command's name (in parentheses, which may hold spaces)
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (parent !== process.pid) continue;
      const argv = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0").filter(Boolean);
      const folder = argv.at(-1) ?? "";
      if (argv.includes("-c") && folder.startsWith(join(tmpdir(), "mcp-sandbox-")))
        found.set(Number(name), folder);
    } catch {
      // the process ended meanwhile
    }
  }
  return found;
}
