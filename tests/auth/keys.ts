import type { Role } from "@mcp/runtime";
import { spawn } from "node:child_process";
import { resolve } from "node:path";

const ROOT = resolve(__dirname, "../..");

/** Runs `npm run keys -- <args>` (scripts/admin-keys.ts) against `databaseUrl`; resolves with its output. */
export function adminKeys(
  databaseUrl: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolveRun, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", resolve(ROOT, "scripts/admin-keys.ts"), ...args],
      {
        cwd: ROOT,
        env: {
          PATH: process.env["PATH"] ?? "",
          HOME: process.env["HOME"] ?? "/tmp",
          DATABASE_URL: databaseUrl,
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolveRun({ code, stdout, stderr }));
  });
}

/** Creates a key with `role` with the admin command and returns it (the one line it prints on stdout). */
export async function createKey(databaseUrl: string, name: string, role: Role): Promise<string> {
  const run = await adminKeys(databaseUrl, "create", "--name", name, "--role", role);
  if (run.code !== 0) throw new Error(`keys create failed (${run.code}): ${run.stderr}`);
  return run.stdout.trim();
}
