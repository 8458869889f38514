import { spawn, type ChildProcess } from "node:child_process";
import { resolve } from "node:path";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { TestDatabase } from "@mcp/db/testing";
import { createMigratedTestDatabase } from "./database";
import { startExecutor, type ExecutorApp } from "@mcp/executor/app";
import { ExecutorService } from "@mcp/proto/executor";
import { type RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { loadExecutorConfig } from "@mcp/executor/config";
import { createLogger } from "@mcp/runtime";
import { startTestRegistry, TEST_REDIS_URL, type TestRegistry } from "./registry";
import { startTestWorkflows } from "./workflows";
import type { WorkflowsApp } from "@mcp/workflows/app";

const ROOT = resolve(__dirname, "../..");

/**
 * This repository's node_modules, readable to sandboxed steps (SANDBOX_READ_PATHS): the reference MCP
 * servers the tests start over stdio live there, as an operator's installed servers would.
 */
export const SANDBOX_NODE_MODULES = resolve(ROOT, "node_modules");

/** Environment of an executor under test. */
export function executorEnv(
  db: TestDatabase,
  registryUrl: string,
  workflowsUrl: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    HOST: "127.0.0.1",
    PORT: "0",
    DATABASE_URL: db.url,
    REDIS_URL: TEST_REDIS_URL,
    REGISTRY_URL: registryUrl,
    WORKFLOWS_URL: workflowsUrl,
    LOG_LEVEL: process.env["TEST_LOG_LEVEL"] ?? "silent",
    SHUTDOWN_GRACE_MS: "2000",
    EXECUTOR_LEASE_MS: "1500",
    EXECUTOR_POLL_MS: "200",
    AUTH_ENABLED: "false",
    SANDBOX_READ_PATHS: SANDBOX_NODE_MODULES,
    ...extra,
  };
}

/** The three services on free ports, sharing one fresh database and the machine's Redis. */
export interface TestPlatform {
  readonly db: TestDatabase;
  readonly registry: TestRegistry;
  readonly workflows: WorkflowsApp;
  readonly executors: ExecutorApp[];
  readonly clients: {
    readonly registry: Client<typeof RegistryService>;
    readonly workflows: Client<typeof WorkflowService>;
    readonly executor: Client<typeof ExecutorService>;
  };
  /** Starts one more in-process executor replica. */
  addExecutor(extra?: Record<string, string>): Promise<ExecutorApp>;
  stop(): Promise<void>;
}

/** `env` goes to all three services (e.g. `AUTH_ENABLED`, `SERVICE_API_KEY`); `executorEnv` to executors only. */
export async function startPlatform(
  options: {
    executors?: number;
    executorEnv?: Record<string, string>;
    env?: Record<string, string>;
    /** The database (default: a fresh one on the machine's PostgreSQL). */
    db?: TestDatabase;
  } = {},
): Promise<TestPlatform> {
  const db = options.db ?? (await createMigratedTestDatabase());
  const registry = await startTestRegistry({ db, ...(options.env ? { env: options.env } : {}) });
  const workflows = await startTestWorkflows(db, registry.url, options.env);
  const executors: ExecutorApp[] = [];
  const addExecutor = async (extra: Record<string, string> = {}) => {
    const config = loadExecutorConfig(
      executorEnv(db, registry.url, workflows.server.url, {
        ...options.env,
        ...options.executorEnv,
        ...extra,
      }),
    );
    const app = await startExecutor(config, createLogger({ service: "executor", level: config.logLevel }));
    executors.push(app);
    return app;
  };
  for (let i = 0; i < (options.executors ?? 1); i++) await addExecutor();
  const first = executors[0];
  const transport = (url: string) => createGrpcTransport({ baseUrl: url });
  return {
    db,
    registry,
    workflows,
    executors,
    clients: {
      registry: registry.client,
      workflows: createClient(WorkflowService, transport(workflows.server.url)),
      executor: createClient(ExecutorService, transport(first ? first.server.url : "http://127.0.0.1:9")),
    },
    addExecutor,
    async stop() {
      for (const e of executors) await e.stop();
      await workflows.stop();
      await registry.stop();
      await db.drop();
    },
  };
}

/** An executor in its own process (so a test can SIGKILL it); resolves once it listens. */
export interface ExecutorProcess {
  readonly child: ChildProcess;
  readonly url: string;
  /** Lines the process logged. */
  readonly log: string[];
}

export async function spawnExecutor(env: Record<string, string>): Promise<ExecutorProcess> {
  // node itself (with tsx as a loader), not the tsx CLI: the CLI runs the program in a grandchild,
  // which a SIGKILL of the CLI would leave running.
  const child = spawn(process.execPath, ["--import", "tsx", resolve(ROOT, "services/executor/src/main.ts")], {
    cwd: ROOT,
    env: { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? "/tmp", ...env, LOG_LEVEL: "info" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log: string[] = [];
  const url = await new Promise<string>((resolveUrl, reject) => {
    // a loaded machine may take tens of seconds to start node with tsx
    const timer = setTimeout(
      () => reject(new Error(`executor did not start in 90 s:\n${log.join("\n")}`)),
      90_000,
    );
    let buffer = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      buffer += chunk.toString();
      let i;
      while ((i = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        log.push(line);
        const match = /"port":(\d+).*"msg":"listening"/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolveUrl(`http://127.0.0.1:${match[1]}`);
        }
      }
    });
    child.stderr?.on("data", (chunk: Buffer) => log.push(chunk.toString()));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`executor exited with ${code} before listening:\n${log.join("\n")}`));
    });
  });
  return { child, url, log };
}
