import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { createTestDatabase, type TestDatabase } from "@mcp/db/testing";
import { startExecutor, type ExecutorApp } from "@mcp/executor/app";
import { ExecutorService, RunStatus } from "@mcp/proto/executor";
import { RegistryService } from "@mcp/proto/registry";
import { ExecutionMode, WorkflowService, type WorkflowSpecSchema } from "@mcp/proto/workflows";
import { startRegistry, type RegistryApp } from "@mcp/registry/app";
import { loadRegistryConfig } from "@mcp/registry/config";
import { createLogger, loadConfig } from "@mcp/runtime";
import { startWorkflows, type WorkflowsApp } from "@mcp/workflows/app";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RunnerFor } from "./runners";
import { loadExecutorConfig } from "@mcp/executor/config";

/** The machine's Redis, unless `BENCH_REDIS_URL` says otherwise. */
export const REDIS_URL = process.env["BENCH_REDIS_URL"] ?? "redis://127.0.0.1:6379";

/** What every benchmark service gets: loopback, any port, no logs, no auth. */
export const BENCH_SERVICE_ENV: Record<string, string> = {
  HOST: "127.0.0.1",
  PORT: "0",
  LOG_LEVEL: "silent",
  AUTH_ENABLED: "false",
  SHUTDOWN_GRACE_MS: "2000",
};

/** Environment of a benchmark executor (also the child executor's). */
export function executorEnv(
  dbUrl: string,
  registryUrl: string,
  workflowsUrl: string,
): Record<string, string> {
  return {
    ...BENCH_SERVICE_ENV,
    DATABASE_URL: dbUrl,
    REDIS_URL,
    REGISTRY_URL: registryUrl,
    WORKFLOWS_URL: workflowsUrl,
    EXECUTOR_MAX_RUNS: "256",
  };
}

/** A registry started against `dbUrl` (`redisUrl` null = in-process cache; a dead URL = Redis down). */
export async function startBenchRegistry(
  dbUrl: string,
  redisUrl: string | null = REDIS_URL,
): Promise<RegistryApp> {
  const config = loadRegistryConfig({
    ...BENCH_SERVICE_ENV,
    DATABASE_URL: dbUrl,
    ...(redisUrl ? { REDIS_URL: redisUrl } : {}),
  });
  return startRegistry(config, createLogger({ service: "registry", level: "silent" }));
}

/** Registry, workflows and `executors` executor replicas in this process, on one fresh database. */
export interface BenchPlatform {
  readonly db: TestDatabase;
  readonly registry: RegistryApp;
  readonly workflows: WorkflowsApp;
  readonly executors: ExecutorApp[];
  readonly registryClient: Client<typeof RegistryService>;
  readonly workflowClient: Client<typeof WorkflowService>;
  /** One client per executor replica. */
  readonly executorClients: Client<typeof ExecutorService>[];
  addExecutor(runnerFor: RunnerFor): Promise<ExecutorApp>;
  stop(): Promise<void>;
}

/** The clients a suite drives, whether the services run in this process or in their own. */
export type BenchClients = Pick<BenchPlatform, "registryClient" | "workflowClient" | "executorClients">;

export const grpcClient = <
  S extends typeof RegistryService | typeof WorkflowService | typeof ExecutorService,
>(
  service: S,
  url: string,
): Client<S> => createClient(service, createGrpcTransport({ baseUrl: url }));

export async function startBenchPlatform(options: {
  executors: number;
  runnerFor: RunnerFor;
  /** The database to run on (`stop()` calls its `drop()`); default a fresh one. */
  db?: TestDatabase;
}): Promise<BenchPlatform> {
  const db = options.db ?? (await createTestDatabase("mcp_bench"));
  const registry = await startBenchRegistry(db.url);
  const workflowsConfig = loadConfig("workflows", {
    ...BENCH_SERVICE_ENV,
    DATABASE_URL: db.url,
    REDIS_URL,
    REGISTRY_URL: registry.server.url,
  });
  const workflows = await startWorkflows(
    workflowsConfig,
    createLogger({ service: "workflows", level: "silent" }),
  );
  const executors: ExecutorApp[] = [];
  const executorClients: Client<typeof ExecutorService>[] = [];
  const addExecutor = async (runnerFor: RunnerFor) => {
    const config = loadExecutorConfig(executorEnv(db.url, registry.server.url, workflows.server.url));
    const app = await startExecutor(config, createLogger({ service: "executor", level: "silent" }), {
      runnerFor,
    });
    executors.push(app);
    executorClients.push(grpcClient(ExecutorService, app.server.url));
    return app;
  };
  for (let i = 0; i < options.executors; i++) await addExecutor(options.runnerFor);
  return {
    db,
    registry,
    workflows,
    executors,
    registryClient: grpcClient(RegistryService, registry.server.url),
    workflowClient: grpcClient(WorkflowService, workflows.server.url),
    executorClients,
    addExecutor,
    async stop() {
      for (const e of executors) await e.stop();
      await workflows.stop();
      await registry.stop();
      await db.drop();
    },
  };
}

/** A python_script MCP (the injected runner ignores its config). */
export async function createScriptMcp(p: BenchClients, name: string): Promise<void> {
  await p.registryClient.createMcp({
    name,
    description: "benchmark step (the injected runner passes inputs through)",
    config: {
      kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print('noop')" } } },
    },
  });
}

type SpecInit = MessageInitShape<typeof WorkflowSpecSchema>;

/** `steps` steps of MCP `mcp`, input `x` flowing through: a chain (sequential) or all at once (parallel). */
export function noopSpec(mcp: string, steps: number, mode: "sequential" | "parallel"): SpecInit {
  const ids = Array.from({ length: steps }, (_, i) => `s${i}`);
  return {
    executionMode: mode === "sequential" ? ExecutionMode.SEQUENTIAL : ExecutionMode.PARALLEL,
    ...(mode === "parallel" ? { maxParallelism: steps } : {}),
    inputs: [{ name: "x", required: true }],
    steps: ids.map((stepId, i) => {
      const prev = i > 0 && mode === "sequential" ? ids[i - 1] : undefined;
      return {
        stepId,
        mcp: { mcp: { case: "name", value: mcp } },
        ...(prev ? { dependsOn: [prev] } : {}),
        inputs: {
          x: prev
            ? { source: { case: "stepOutput", value: { stepId: prev, output: "x" } } }
            : { source: { case: "workflowInput", value: "x" } },
        },
      };
    }),
    outputs: [{ name: "x", stepId: ids[ids.length - 1] ?? "s0", output: "x" }],
  };
}

/** Defines workflow `name` as `noopSpec(...)`. */
export async function defineWorkflow(p: BenchClients, name: string, spec: SpecInit): Promise<void> {
  await p.workflowClient.createWorkflow({ name, spec });
}

/** ExecuteWorkflow(wait) and check it succeeded; resolves when the result is back. */
export async function executeAndWait(
  client: Client<typeof ExecutorService>,
  workflow: string,
  /** The run's `request_id` (idempotency key), as careful clients send one; none by default. */
  requestId = "",
): Promise<void> {
  const { run } = await client.executeWorkflow({
    workflow: { workflow: { case: "name", value: workflow } },
    inputs: { x: "bench" },
    wait: true,
    waitTimeoutSeconds: 120,
    requestId,
  });
  if (run?.status !== RunStatus.SUCCEEDED) {
    throw new Error(
      `run ${run?.id} of ${workflow} ended ${RunStatus[run?.status ?? 0]}: ${run?.error?.message ?? ""}`,
    );
  }
}
