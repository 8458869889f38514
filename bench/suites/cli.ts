import { execFileSync, spawnSync } from "node:child_process";
import { resolve } from "node:path";
import { summarize } from "../lib/stats";
import { ms, target, type SuiteResult } from "../report";

const ROOT = resolve(__dirname, "../..");
const LAUNCHER = resolve(ROOT, "cli/bin/mcpctl.cjs");
const RUNS = 15;

/** Wall time of one `mcpctl --help`, a fresh process each time, in ms. */
function helpOnce(args: string[]): number {
  const started = process.hrtime.bigint();
  const done = spawnSync(process.execPath, args, {
    cwd: ROOT,
    stdio: "pipe",
    env: { PATH: process.env["PATH"] },
  });
  const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
  if (done.status !== 0) throw new Error(`mcpctl --help exited ${done.status}: ${done.stderr.toString()}`);
  return elapsed;
}

/**
 * `mcpctl --help` start-up (issue 20: under 300 ms): the compiled CLI through its launcher (as
 * `npx mcpctl` and the installed command run it) after `npm run build`, beside the sources through
 * tsx (what the launcher falls back to without a build).
 */
export async function cliSuite(): Promise<SuiteResult> {
  execFileSync(process.execPath, [require.resolve("tsx/cli"), "scripts/build.ts", "--no-console"], {
    cwd: ROOT,
    stdio: "pipe",
  });
  helpOnce([LAUNCHER, "--help"]); // the file cache warm, as for a person typing it twice
  const compiled = summarize(Array.from({ length: RUNS }, () => helpOnce([LAUNCHER, "--help"])));
  const tsx = summarize(
    Array.from({ length: 3 }, () =>
      helpOnce([require.resolve("tsx/cli"), resolve(ROOT, "cli/src/main.ts"), "--help"]),
    ),
  );
  return {
    rows: [
      {
        figure: `mcpctl --help, compiled (p50 of ${RUNS})`,
        ours: ms(compiled.p50),
        target: target("≤ 300 ms", compiled.p50, 300, "ms", "max"),
      },
      { figure: "mcpctl --help, compiled (p95)", ours: ms(compiled.p95) },
      { figure: "the same from the TypeScript sources through tsx (p50 of 3)", ours: ms(tsx.p50) },
    ],
    json: { help_compiled_ms: compiled, help_tsx_ms: tsx },
  };
}
