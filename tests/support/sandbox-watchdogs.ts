import { tmpdir } from "node:os";
import { join } from "node:path";
import { commandLineOf, processesBelow } from "@mcp/sandbox/testing";

/**
 * The sandbox watchdogs this test process started (watchdog.ts: python3 under this process whose
 * command line ends with its sandbox's folder), by pid: their folders.
 */
export async function ownWatchdogs(): Promise<Map<number, string>> {
  const found = new Map<number, string>();
  for (const { pid } of await processesBelow(process.pid)) {
    const words = commandLineOf(pid)?.split(" ") ?? [];
    const folder = words.at(-1) ?? "";
    if (words.includes("-c") && folder.startsWith(join(tmpdir(), "mcp-sandbox-"))) found.set(pid, folder);
  }
  return found;
}
