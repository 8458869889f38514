import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { health } from "@mcp/proto/grpc";
import {
  ExecutorService,
  RunRetentionService,
  ScheduleService,
  SecretService,
  TriggerService,
} from "@mcp/proto/executor";
import { RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { startPlatform, type TestPlatform } from "../support/platform";
import { rowCounts } from "../support/raw-rpc";
import { makeCase } from "./cases";
import { Rng } from "./rng";
import { createFixtures, rpcsOf, type Rpc } from "./rpcs";
import { send, Transports, type Outcome } from "./send";

/** How a fuzz run is set up (from FUZZ_* variables by the runner and the Jest suite). */
export interface FuzzOptions {
  readonly seed: number;
  readonly count: number;
  /** Only this case (replay one failure). */
  readonly only?: number;
  /** The slowest call allowed. */
  readonly maxCallMs: number;
  readonly log: (line: string) => void;
}

/** One case that broke a rule. */
export interface Failure {
  readonly index: number;
  readonly rpc: string;
  readonly what: string;
  readonly outcome: Outcome;
  readonly ms: number;
  readonly rule: string;
}

export interface FuzzReport {
  readonly seed: number;
  readonly cases: number;
  readonly failures: Failure[];
  /** Outcome codes and how often each was seen. */
  readonly codes: Record<string, number>;
  readonly slowestMs: number;
  /** Tables whose row count changed, with before and after (must be empty). */
  readonly rowChanges: Record<string, [number, number]>;
  /** Services not SERVING at the end (must be empty). */
  readonly notServing: string[];
  readonly rpcs: number;
}

/** Codes no malformed request may get: they mean the server failed, not the caller. */
const SERVER_FAULTS = new Set(["internal", "unknown", "data_loss"]);

/** RPCs that may accept a malformed request without harm: their request has no field that must be set. */
const MAY_ACCEPT = new Set([
  "mcp.executor.v1.SecretService/RotateSecretsKey",
  // every field is optional on an executor with RUN_RETENTION_DAYS, and any age of at least an hour is
  // valid: a mutated request may be a valid prune (it deletes nothing younger than an hour)
  "mcp.executor.v1.RunRetentionService/PruneRuns",
]);

/** Starts the three services on a fresh database, sends the malformed requests, checks the rules. */
export async function fuzz(options: FuzzOptions): Promise<FuzzReport> {
  const key = Buffer.from(Array.from({ length: 32 }, (_, i) => (i * 37 + options.seed) & 0xff)).toString(
    "base64",
  );
  const platform = await startPlatform({ executorEnv: { SECRETS_KEY: key } });
  try {
    return await fuzzPlatform(platform, options);
  } finally {
    await platform.stop();
  }
}

/** How many times a refused case over the time limit is sent again (see fuzzPlatform). */
const RESENDS = 3;

/** Runs the cases against running services. */
export async function fuzzPlatform(platform: TestPlatform, options: FuzzOptions): Promise<FuzzReport> {
  const fixtures = await createFixtures(platform);
  const rpcs = rpcsOf(platform, fixtures);
  const transports = new Transports();
  const before = await rowCounts(platform.db.url);
  const failures: Failure[] = [];
  const codes: Record<string, number> = {};
  let slowestMs = 0;
  const indexes =
    options.only === undefined ? Array.from({ length: options.count }, (_, i) => i) : [options.only];
  const started = Date.now();
  for (const index of indexes) {
    const rng = Rng.forCase(options.seed, index);
    const rpc = rng.pick(rpcs);
    const testCase = makeCase(rpc, rng);
    const t0 = performance.now();
    const outcome = await send(rpc, testCase.request, transports, 5_000);
    let ms = performance.now() - t0;
    if (ms > options.maxCallMs && (outcome.code !== "ok" || !rpc.writes)) {
      // An input that makes a service slow is slow every time; a stall of a loaded machine (or of
      // this process's garbage collector, the services share it) is not: a refused case is sent
      // again, up to RESENDS times, and counts by its quickest send.
      const times = [ms];
      for (let resend = 0; resend < RESENDS && Math.min(...times) > options.maxCallMs; resend++) {
        const t1 = performance.now();
        await send(rpc, testCase.request, transports, 5_000);
        times.push(performance.now() - t1);
      }
      options.log(
        `  case ${index}: ${times.map((t) => `${Math.round(t)} ms`).join(", then ")} when sent again`,
      );
      ms = Math.min(...times);
    }
    slowestMs = Math.max(slowestMs, ms);
    if (process.env["FUZZ_TRACE"]) {
      const via =
        testCase.request.type === "raw"
          ? `${testCase.request.protocol} ${testCase.request.contentType ?? "-"}`
          : testCase.request.wire;
      options.log(
        `  case ${index}: ${name(rpc)} ${testCase.what} [${via}] → ${outcome.code ?? outcome.transportError ?? "-"} ${outcome.http ?? ""} ${Math.round(ms)} ms`,
      );
    }
    const label = outcome.transportError
      ? "transport error"
      : `${outcome.code ?? "no code"}${outcome.http === undefined ? "" : ` (HTTP ${outcome.http})`}`;
    codes[label] = (codes[label] ?? 0) + 1;
    for (const rule of broken(rpc, outcome, ms, options)) {
      const via =
        testCase.request.type === "raw"
          ? ` (${testCase.request.httpMethod} ${testCase.request.protocol}, ${testCase.request.contentType ?? "no content type"})`
          : "";
      failures.push({
        index,
        rpc: name(rpc),
        what: `${testCase.what}${via}`,
        outcome,
        ms: Math.round(ms),
        rule,
      });
      options.log(describe(failures[failures.length - 1]!, options.seed));
    }
    if ((index + 1) % 1000 === 0) {
      options.log(
        `  ${index + 1}/${options.count} cases, ${failures.length} failures, ${Math.round((Date.now() - started) / 1000)} s`,
      );
    }
  }
  const after = await rowCounts(platform.db.url);
  const rowChanges: Record<string, [number, number]> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[table] !== after[table]) rowChanges[table] = [before[table] ?? 0, after[table] ?? 0];
  }
  return {
    seed: options.seed,
    cases: indexes.length,
    failures,
    codes,
    slowestMs: Math.round(slowestMs),
    rowChanges,
    notServing: await notServing(platform),
    rpcs: rpcs.length,
  };
}

function broken(rpc: Rpc, outcome: Outcome, ms: number, options: FuzzOptions): string[] {
  const rules: string[] = [];
  if (outcome.transportError) rules.push(`the call failed below the RPC layer: ${outcome.transportError}`);
  if (outcome.code && SERVER_FAULTS.has(outcome.code)) rules.push(`answered ${outcome.code.toUpperCase()}`);
  if (outcome.http === 500) rules.push("answered HTTP 500");
  if (ms > options.maxCallMs) rules.push(`took ${Math.round(ms)} ms (limit ${options.maxCallMs} ms)`);
  if (outcome.code === "ok" && rpc.writes && !MAY_ACCEPT.has(name(rpc))) {
    rules.push("a malformed request to an RPC that writes was accepted");
  }
  return rules;
}

async function notServing(platform: TestPlatform): Promise<string[]> {
  const targets: [string, string[]][] = [
    [platform.registry.url, [RegistryService.typeName]],
    [platform.workflows.server.url, [WorkflowService.typeName]],
    [
      platform.executors[0]!.server.url,
      [
        ExecutorService.typeName,
        SecretService.typeName,
        ScheduleService.typeName,
        TriggerService.typeName,
        RunRetentionService.typeName,
      ],
    ],
  ];
  const out: string[] = [];
  for (const [url, services] of targets) {
    const client = createClient(health.Health, createGrpcTransport({ baseUrl: url }));
    for (const service of ["", ...services]) {
      try {
        const res = await client.check({ service }, { timeoutMs: 5_000 });
        if (res.status !== health.HealthCheckResponse_ServingStatus.SERVING) {
          out.push(
            `${url} ${service || "(server)"}: ${health.HealthCheckResponse_ServingStatus[res.status]}`,
          );
        }
      } catch (err) {
        out.push(`${url} ${service || "(server)"}: ${String(err)}`);
      }
    }
  }
  return out;
}

const name = (rpc: Rpc) => `${rpc.service.typeName}/${rpc.method.name}`;

function describe(f: Failure, seed: number): string {
  const got =
    f.outcome.transportError ??
    `${f.outcome.code ?? "no code"} ${f.outcome.http ?? ""} ${f.outcome.message.slice(0, 160)}`;
  return `  FAIL case ${f.index} (FUZZ_SEED=${seed} FUZZ_CASE=${f.index}): ${f.rpc} with ${f.what}: ${f.rule} — ${got}`;
}

/** A report as lines for people. */
export function summary(report: FuzzReport): string[] {
  return [
    `fuzz: seed ${report.seed}, ${report.cases} cases over ${report.rpcs} RPCs, slowest call ${report.slowestMs} ms`,
    `  outcomes: ${Object.entries(report.codes)
      .sort((a, b) => b[1] - a[1])
      .map(([code, n]) => `${code} ${n}`)
      .join(", ")}`,
    `  failures: ${report.failures.length}`,
    `  row counts changed: ${Object.keys(report.rowChanges).length === 0 ? "none" : JSON.stringify(report.rowChanges)}`,
    `  not SERVING at the end: ${report.notServing.length === 0 ? "none" : report.notServing.join("; ")}`,
  ];
}
