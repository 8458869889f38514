import { cpus } from "node:os";
import { round } from "./lib/stats";
import { target, type Row } from "./report";

/** A figure read from this run's results, or undefined when its suite did not run. */
type Figure = number | undefined;

interface CpuJson {
  process_ms?: number;
  machine_ms?: number;
  machine_busy?: number;
  main_thread_busy?: number;
}
interface PerStepJson {
  per_step_ratio_vs_dbos?: number;
  workflow_ms?: { ours1?: { p50: number }; dbos1?: { p50: number } };
  workflows_per_s?: Record<string, { ours: number; dbos: number }>;
  cpu_per_run_ms?: { ours1?: CpuJson; dbos1?: CpuJson };
  cpu_per_step_ms?: { ours?: number; dbos?: number };
}
interface PeersJson {
  three_step?: { workflows_per_s: number; cpu_per_run_ms?: CpuJson };
  long_sequential?: { wall_ratio: number; steps: number; step_ms: number };
}
/** The floor suite's figures the targets are read against. */
interface FloorJson {
  bareC32: Figure;
  chain: Figure;
  /** p50 of a bare Connect call that makes two commits before it answers (ms). */
  oneStep: Figure;
}

const num = (x: unknown): Figure => (typeof x === "number" && Number.isFinite(x) ? x : undefined);
const div = (a: Figure, b: Figure): Figure =>
  a === undefined || b === undefined || b === 0 ? undefined : round(a / b);

/** One target's row: the figure, how it was taken, and met / MISSED (or which suite it needs). */
function row(
  figure: string,
  value: Figure,
  show: (v: number) => string,
  check: (v: number) => string,
  needs: string,
  /** What bounds the figure on this machine, measured in the same run (floor, CPU), when known. */
  bound?: string,
): Row {
  return value === undefined
    ? { figure, ours: "n/a", target: `needs ${needs}` }
    : { figure, ours: show(value), ...(bound ? { peer: bound } : {}), target: check(value) };
}

/** `CPU/run ours 4.10 / DBOS 1.60 ms`, from the machine's CPU (or this process's where unread). */
function cpuPair(what: string, ours: Figure, dbos: Figure): string | undefined {
  return ours === undefined || dbos === undefined
    ? undefined
    : `CPU/${what} ours ${ours.toFixed(2)} / DBOS ${dbos.toFixed(2)} ms`;
}

const machineOrProcess = (cpu: CpuJson | undefined): Figure => num(cpu?.machine_ms) ?? num(cpu?.process_ms);

/** The parts that were measured, joined by `; `; undefined when none was. */
const joined = (...parts: (string | undefined)[]) =>
  parts.filter((x) => x !== undefined).join("; ") || undefined;

/**
 * `main thread 85 % busy; 2 cores 72 % busy at 3.07 ms CPU/run: ≤ 652/s`: how near each CPU bound
 * the rate ran (`whose` main thread, its one event loop; all the cores, and the rate they would allow).
 */
function cpuCeiling(cpu: CpuJson | undefined, cores: number, whose: string): string | undefined {
  const perRun = num(cpu?.machine_ms);
  const busy = num(cpu?.machine_busy);
  const loop = num(cpu?.main_thread_busy);
  const mainThread =
    loop === undefined ? undefined : `${whose} main thread ${(loop * 100).toFixed(0)} % busy`;
  const machine =
    perRun === undefined || busy === undefined || perRun <= 0
      ? undefined
      : `${cores} cores ${(busy * 100).toFixed(0)} % busy at ${perRun.toFixed(2)} ms CPU/run: ≤ ${((cores * 1000) / perRun).toFixed(0)}/s`;
  return joined(mainThread, machine);
}

const times = (v: number) => `×${v.toFixed(2)}`;

/** `400 × 10 ms` (fewer steps in a quick run). */
const longShape = (peers: PeersJson | undefined) =>
  `${peers?.long_sequential?.steps ?? 400} × ${peers?.long_sequential?.step_ms ?? 10} ms`;

/** The issue 18 targets for one placement of the services (in this process, or separate processes). */
function placementRows(
  label: string,
  perStep: PerStepJson | undefined,
  peers: PeersJson | undefined,
  floor: FloorJson,
  cores: number,
  suites: string,
  /** Whose main thread the figures' "main thread" is (the benchmark's process). */
  mainThreadOf: string,
): Row[] {
  const c32 = perStep?.workflows_per_s?.["c32"];
  const threeStep = num(peers?.three_step?.workflows_per_s);
  const dbos1 = num(perStep?.workflow_ms?.dbos1?.p50);
  const oneStepFloor = div(floor.oneStep, dbos1);
  const cpuRun = perStep?.cpu_per_run_ms;
  return [
    row(
      `per-step overhead, ours / DBOS (${label})`,
      num(perStep?.per_step_ratio_vs_dbos),
      times,
      (v) => target("≤ ×0.5", v, 0.5, "", "max"),
      suites,
      cpuPair("step", num(perStep?.cpu_per_step_ms?.ours), num(perStep?.cpu_per_step_ms?.dbos)),
    ),
    row(
      `1-step start-and-await p50, ours / DBOS (${label})`,
      div(num(perStep?.workflow_ms?.ours1?.p50), dbos1),
      times,
      (v) => target("≤ ×1.0", v, 1, "", "max"),
      suites,
      joined(
        oneStepFloor === undefined ? undefined : `floor ${times(oneStepFloor)} (a Connect call + 2 commits)`,
        cpuPair("run", machineOrProcess(cpuRun?.ours1), machineOrProcess(cpuRun?.dbos1)),
      ),
    ),
    row(
      `3-step workflows/s, batches of 200 (${label})`,
      threeStep,
      (v) => `${v.toFixed(0)}/s`,
      (v) => target("≥ 1,000/s", v, 1000, "/s", "min"),
      suites,
      cpuCeiling(peers?.three_step?.cpu_per_run_ms, cores, mainThreadOf),
    ),
    row(
      `the same / bare Connect calls/s at c=32 (${label})`,
      div(threeStep, floor.bareC32),
      (v) => v.toFixed(2),
      (v) => target("≥ 0.5", v, 0.5, "", "min"),
      `${suites} and floor`,
    ),
    row(
      `10-step workflows/s at c=32, ours / DBOS (${label})`,
      div(num(c32?.ours), num(c32?.dbos)),
      times,
      (v) => target("≥ ×2", v, 2, "", "min"),
      suites,
    ),
    row(
      `${longShape(peers)} steps, wall / their own time (${label})`,
      num(peers?.long_sequential?.wall_ratio),
      times,
      (v) => target("≤ ×1.15", v, 1.15, "", "max"),
      suites,
      floor.chain === undefined ? undefined : `floor ${times(floor.chain)} (timer + a commit per step)`,
    ),
  ];
}

/**
 * Issue 18's table, computed from this run's results (each ratio within this one run, as the issue
 * asks: absolute figures move from machine to machine). A target whose suites did not run says which.
 */
export function issue18Rows(results: Record<string, unknown>): Row[] {
  const floorResults = results["floor"] as
    | {
        bare_unary_calls_per_s?: { c32?: number };
        chain_400x10_floor_ratio?: number;
        one_step_floor_ms?: { p50?: number };
      }
    | undefined;
  const floor: FloorJson = {
    bareC32: num(floorResults?.bare_unary_calls_per_s?.c32),
    chain: num(floorResults?.chain_400x10_floor_ratio),
    oneStep: num(floorResults?.one_step_floor_ms?.p50),
  };
  const cores = cpus().length;
  const recovery = results["recovery"] as { resumed_ms?: { p50: number } } | undefined;
  const deployed = results["deployed"] as { per_step?: PerStepJson; peers?: PeersJson } | undefined;
  return [
    ...placementRows(
      "in process",
      results,
      results["peers"] as PeersJson | undefined,
      floor,
      cores,
      "per-step, peers",
      "the one process's",
    ),
    row(
      "kill -9 of an executor → a step of its run started elsewhere, p50",
      num(recovery?.resumed_ms?.p50),
      (v) => `${v.toFixed(0)} ms`,
      (v) => target("≤ 500 ms", v, 500, "ms", "max"),
      "recovery",
    ),
    ...placementRows(
      "separate processes",
      deployed?.per_step,
      deployed?.peers,
      floor,
      cores,
      "deployed",
      "the client process's",
    ),
  ];
}
