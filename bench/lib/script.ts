import { SERVICE_NODE_FLAGS } from "./service-process";

/**
 * The services' Node flags this process was started without. `npx tsx script.ts` runs the script in
 * a child process that gets only `NODE_OPTIONS`, so `node --flag node_modules/.bin/tsx` loses them.
 */
function missingServiceFlags(): string[] {
  const given = new Set([...process.execArgv, ...(process.env["NODE_OPTIONS"] ?? "").split(/\s+/)]);
  return SERVICE_NODE_FLAGS.filter((flag) => !given.has(flag));
}

/**
 * Runs a benchmark script's `main` and exits: 0 when it resolves, 1 with the error on stderr when it
 * rejects (a benchmark fails only when something broke, never for being slow).
 */
export function runBenchScript(name: string, main: () => Promise<void>): void {
  const missing = missingServiceFlags();
  if (missing.length > 0) {
    process.stderr.write(
      `${name}: this process runs without the services' Node flags (${missing.join(" ")}; docs/adr/033), ` +
        `so its CPU and GC figures are not the services'; run it as ` +
        `NODE_OPTIONS="${SERVICE_NODE_FLAGS.join(" ")}" npx tsx <script>\n`,
    );
  }
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(
        `${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
