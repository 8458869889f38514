import { round } from "./lib/stats";
import { target, type Row } from "./report";

/** A figure read from this run's results, or undefined when its suite did not run. */
type Figure = number | undefined;

interface PerStepJson {
  per_step_ratio_vs_dbos?: number;
  workflow_ms?: { ours1?: { p50: number }; dbos1?: { p50: number } };
  workflows_per_s?: Record<string, { ours: number; dbos: number }>;
}
interface PeersJson {
  three_step?: { workflows_per_s: number };
  long_sequential?: { wall_ratio: number; steps: number; step_ms: number };
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
  floor?: string,
): Row {
  return value === undefined
    ? { figure, ours: "n/a", target: `needs ${needs}` }
    : { figure, ours: show(value), ...(floor ? { peer: floor } : {}), target: check(value) };
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
  bareC32: Figure,
  chainFloor: Figure,
  suites: string,
): Row[] {
  const c32 = perStep?.workflows_per_s?.["c32"];
  const threeStep = num(peers?.three_step?.workflows_per_s);
  return [
    row(
      `per-step overhead, ours / DBOS (${label})`,
      num(perStep?.per_step_ratio_vs_dbos),
      times,
      (v) => target("≤ ×0.5", v, 0.5, "", "max"),
      suites,
    ),
    row(
      `1-step start-and-await p50, ours / DBOS (${label})`,
      div(num(perStep?.workflow_ms?.ours1?.p50), num(perStep?.workflow_ms?.dbos1?.p50)),
      times,
      (v) => target("≤ ×1.0", v, 1, "", "max"),
      suites,
    ),
    row(
      `3-step workflows/s, batches of 200 (${label})`,
      threeStep,
      (v) => `${v.toFixed(0)}/s`,
      (v) => target("≥ 1,000/s", v, 1000, "/s", "min"),
      suites,
    ),
    row(
      `the same / bare Connect calls/s at c=32 (${label})`,
      div(threeStep, bareC32),
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
      chainFloor === undefined ? undefined : `floor ${times(chainFloor)} (timer + a commit per step)`,
    ),
  ];
}

/**
 * Issue 18's table, computed from this run's results (each ratio within this one run, as the issue
 * asks: absolute figures move from machine to machine). A target whose suites did not run says which.
 */
export function issue18Rows(results: Record<string, unknown>): Row[] {
  const floor = results["floor"] as
    { bare_unary_calls_per_s?: { c32?: number }; chain_400x10_floor_ratio?: number } | undefined;
  const bareC32 = num(floor?.bare_unary_calls_per_s?.c32);
  const chainFloor = num(floor?.chain_400x10_floor_ratio);
  const recovery = results["recovery"] as { resumed_ms?: { p50: number } } | undefined;
  const deployed = results["deployed"] as { per_step?: PerStepJson; peers?: PeersJson } | undefined;
  return [
    ...placementRows(
      "in process",
      results,
      results["peers"] as PeersJson | undefined,
      bareC32,
      chainFloor,
      "per-step, peers",
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
      bareC32,
      chainFloor,
      "deployed",
    ),
  ];
}
