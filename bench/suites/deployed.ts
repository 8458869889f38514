import { createTestDatabase } from "@mcp/db/testing";
import { ExecutorService } from "@mcp/proto/executor";
import { RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { startServiceProcess, type ServiceProcess } from "../lib/service-process";
import { BENCH_SERVICE_ENV, REDIS_URL, executorEnv, grpcClient, type BenchClients } from "../platform";
import type { Row, SuiteResult } from "../report";
import { peersSuite } from "./peers";
import { perStepSuite } from "./per-step";

/**
 * The per-step and published-peer figures again with the three services as deployed: the registry,
 * the workflows service and one executor each in its own Node process (started as `npm run
 * start:<service>` starts them, the executor with the benchmark's noop runner injected:
 * `bench/executor-child.ts`), on a fresh database; the benchmark's gRPC client and DBOS stay in this
 * process. Beside the in-process figures (suites `per-step` and `peers`) this shows what one event
 * loop shared by client and services costs, and what gRPC between processes adds.
 */
export async function deployedSuite(): Promise<SuiteResult> {
  const db = await createTestDatabase("mcp_bench");
  const started: ServiceProcess[] = [];
  try {
    const base = { ...BENCH_SERVICE_ENV, DATABASE_URL: db.url, REDIS_URL };
    // one after the other: the registry runs the migrations the others then find done
    const registry = await startServiceProcess("services/registry/src/main.ts", base);
    started.push(registry);
    const workflows = await startServiceProcess("services/workflows/src/main.ts", {
      ...base,
      REGISTRY_URL: registry.url,
    });
    started.push(workflows);
    const executor = await startServiceProcess(
      "bench/executor-child.ts",
      executorEnv(db.url, registry.url, workflows.url),
    );
    started.push(executor);
    const clients: BenchClients = {
      registryClient: grpcClient(RegistryService, registry.url),
      workflowClient: grpcClient(WorkflowService, workflows.url),
      executorClients: [grpcClient(ExecutorService, executor.url)],
    };
    const perStep = await perStepSuite(clients);
    const peers = await peersSuite(clients);
    const separate = (rows: readonly Row[]) =>
      rows.map((r) => ({ ...r, figure: `${r.figure}, separate processes` }));
    return {
      rows: [...separate(perStep.rows), ...separate(peers.rows)],
      json: { per_step: perStep.json, peers: peers.json },
    };
  } finally {
    for (const service of started.reverse()) await service.stop();
    await db.drop();
  }
}
