/**
 * `npm run bench`: figures against peers, printed and written to `bench/results/latest.json`. A
 * benchmark never fails for being slow; it exits non-zero only when something broke.
 * `BENCH_QUICK=1` runs a much shorter version; `BENCH_ONLY=per-step,registry` runs only those suites.
 * The run ends with issue 18's targets, computed from the figures of this run.
 */
import { cpus, totalmem } from "node:os";
import { resolve } from "node:path";
import { settings } from "./lib/settings";
import { startBenchPlatform, type BenchPlatform } from "./platform";
import { printTable, writeJson, type SuiteResult } from "./report";
import { benchRunner } from "./runners";
import { issue18Rows } from "./scorecard";
import { cliSuite } from "./suites/cli";
import { deployedSuite } from "./suites/deployed";
import { e2eSuite } from "./suites/e2e";
import { floorAndCeiling } from "./suites/floor-ceiling";
import { forEachSuite } from "./suites/for-each";
import { historySuite } from "./suites/history";
import { peersSuite } from "./suites/peers";
import { perStepSuite } from "./suites/per-step";
import { recoverySuite } from "./suites/recovery";
import { registrySuite } from "./suites/registry";
import { sandboxSuite } from "./suites/sandbox";
import { tracingSuite } from "./suites/tracing";
import { runBenchScript } from "./lib/script";

type Suite = { name: string; title: string; run: (p: () => Promise<BenchPlatform>) => Promise<SuiteResult> };

const SUITES: Suite[] = [
  { name: "floor", title: "Floor and ceiling", run: () => floorAndCeiling() },
  { name: "registry", title: "Registry (GetMcp / ListMcps)", run: () => registrySuite() },
  { name: "cli", title: "Command line start-up (mcpctl --help)", run: () => cliSuite() },
  {
    name: "per-step",
    title: "Durable per-step overhead vs DBOS Transact",
    run: async (p) => perStepSuite(await p()),
  },
  {
    name: "tracing",
    title: "Tracing overhead per step (OpenTelemetry, OTLP collector running)",
    run: async (p) => tracingSuite(await p()),
  },
  { name: "peers", title: "Published-peer shapes", run: async (p) => peersSuite(await p()) },
  { name: "e2e", title: "End to end through gRPC", run: async (p) => e2eSuite(await p()) },
  { name: "recovery", title: "Recovery after kill -9", run: () => recoverySuite() },
  {
    name: "deployed",
    title: "The same with the services in separate processes, as deployed",
    run: () => deployedSuite(),
  },
  { name: "sandbox", title: "The step sandbox's cost (a trivial python_script)", run: () => sandboxSuite() },
  {
    name: "for-each",
    title: "for_each: per-item overhead of 1,000 noop items vs per-step",
    run: async (p) => forEachSuite(await p()),
  },
  {
    name: "history",
    title: "Run history: a loaded database vs an empty one (BENCH_HISTORY_RUNS)",
    run: () => historySuite(),
  },
];

async function main(): Promise<void> {
  const chosen = SUITES.filter((s) => settings.only.length === 0 || settings.only.includes(s.name));
  process.stdout.write(
    `bench: ${settings.quick ? "QUICK" : "full"} run of ${chosen.map((s) => s.name).join(", ")}\n` +
      `iterations: ${JSON.stringify(settings)}\n`,
  );
  let platform: Promise<BenchPlatform> | undefined;
  const shared = () => (platform ??= startBenchPlatform({ executors: 1, runnerFor: benchRunner }));
  const results: Record<string, unknown> = {};
  const started = Date.now();
  try {
    for (const suite of chosen) {
      const t = Date.now();
      const result = await suite.run(shared);
      printTable(`${suite.title} (${((Date.now() - t) / 1000).toFixed(1)} s)`, result.rows);
      Object.assign(
        results,
        suite.name === "per-step" ? result.json : { [suite.name.replace("-", "_")]: result.json },
      );
    }
  } finally {
    if (platform) await (await platform).stop();
  }
  const targets = issue18Rows(results);
  printTable("Issue 18 targets (each ratio within this run)", targets);
  const out = {
    generated_at: new Date().toISOString(),
    quick: settings.quick,
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memory_gb: Math.round(totalmem() / 2 ** 30),
      node: process.version,
    },
    iterations: settings,
    wall_s: Math.round((Date.now() - started) / 1000),
    ...results,
    issue_18_targets: targets,
  };
  const file =
    process.env["BENCH_OUT"] ??
    resolve(
      __dirname,
      "results",
      settings.quick || settings.only.length ? "last-partial.json" : "latest.json",
    );
  writeJson(file, out);
  process.stdout.write(`\nwrote ${file} (${out.wall_s} s)\n`);
}

runBenchScript("bench", main);
