import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus, StepStatus } from "@mcp/proto/executor";
import { RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { uniqueName } from "../support/mcps";
import { CONCAT_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { echoConcatSpec } from "../support/specs";

const ROOT = resolve(__dirname, "../..");
const BANNER_TIMEOUT_MS = 90_000;
const EXIT_TIMEOUT_MS = 20_000;

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
}

/** PIDs of processes whose command line mentions `text` (e.g. a postgres serving a data folder). */
function processesMentioning(text: string): number[] {
  try {
    return execFileSync("pgrep", ["-f", text], { encoding: "utf8" }).split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

interface Launcher {
  readonly child: ChildProcess;
  readonly output: string[];
  readonly exited: Promise<number | null>;
  readonly urls: { registry: string; workflows: string; executor: string };
}

/** `npm start`'s program as a child with no DATABASE_URL/REDIS_URL; resolves once the banner is printed. */
async function startLauncher(dataDir: string): Promise<Launcher> {
  const ports = { registry: await freePort(), workflows: await freePort(), executor: await freePort() };
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of Object.keys(env))
    if (/^(DATABASE_URL|POSTGRES_|REDIS_|REGISTRY_URL|WORKFLOWS_URL|PORT$)/.test(name)) delete env[name];
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], {
    cwd: ROOT,
    env: {
      ...env,
      MCP_DATA_DIR: dataDir,
      REGISTRY_PORT: String(ports.registry),
      WORKFLOWS_PORT: String(ports.workflows),
      EXECUTOR_PORT: String(ports.executor),
      LOG_LEVEL: "warn",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)));
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`no banner after ${BANNER_TIMEOUT_MS / 1000} s:\n${output.join("")}`)),
      BANNER_TIMEOUT_MS,
    );
    const collect = (chunk: Buffer) => {
      output.push(chunk.toString());
      if (output.join("").includes("MCP platform is running")) {
        clearTimeout(timer);
        ready();
      }
    };
    child.stdout?.on("data", collect);
    child.stderr?.on("data", collect);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`npm start exited (${code}) before the banner:\n${output.join("")}`));
    });
  });
  const url = (port: number) => `http://127.0.0.1:${port}`;
  return {
    child,
    output,
    exited,
    urls: { registry: url(ports.registry), workflows: url(ports.workflows), executor: url(ports.executor) },
  };
}

/** SIGINT, then the exit code (or a failure after 20 s). */
async function interrupt(launcher: Launcher): Promise<number | null> {
  launcher.child.kill("SIGINT");
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, fail) => {
    timer = setTimeout(
      () => fail(new Error(`still running ${EXIT_TIMEOUT_MS / 1000} s after SIGINT`)),
      EXIT_TIMEOUT_MS,
    );
  });
  try {
    return await Promise.race([launcher.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

describe("npm start › single-node mode (no DATABASE_URL, no REDIS_URL)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mcp-start-"));
  const running: Launcher[] = [];

  afterAll(() => {
    for (const l of running)
      if (l.child.exitCode === null && l.child.signalCode === null) l.child.kill("SIGKILL");
    for (const pid of processesMentioning(dataDir)) process.kill(pid, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  let runId = "";

  it("serves a full workflow run on an embedded PostgreSQL, and Ctrl-C stops everything with exit 0", async () => {
    const launcher = await startLauncher(dataDir);
    running.push(launcher);
    const log = launcher.output.join("");
    expect(log).toContain("single-node mode");
    expect(log).toContain("initialised now");
    expect(log).toContain(`Try:`);

    const transport = (url: string) => createGrpcTransport({ baseUrl: url });
    const registry = createClient(RegistryService, transport(launcher.urls.registry));
    const workflows = createClient(WorkflowService, transport(launcher.urls.workflows));
    const executor = createClient(ExecutorService, transport(launcher.urls.executor));
    const echo = uniqueName("echo");
    const concat = uniqueName("concat");
    await registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await registry.createMcp({ name: concat, config: scriptConfig(CONCAT_SCRIPT) });
    const workflow = uniqueName("pipeline");
    await workflows.createWorkflow({ name: workflow, spec: echoConcatSpec(echo, concat) });
    const { run } = await executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { text: "hello world" },
      wait: true,
      waitTimeoutSeconds: 30,
    });
    expect(run?.status).toBe(RunStatus.SUCCEEDED);
    expect(run?.outputs).toEqual({ result: "echo: hello world" });
    expect(run?.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["echo", StepStatus.SUCCEEDED],
      ["concat", StepStatus.SUCCEEDED],
    ]);
    runId = run!.id;

    expect(processesMentioning(dataDir).length).toBeGreaterThan(0); // the embedded server really ran
    expect(await interrupt(launcher)).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
  }, 150_000);

  it("keeps the data between starts: a second start reuses the cluster and still has the run", async () => {
    expect(runId).not.toBe("");
    const launcher = await startLauncher(dataDir);
    running.push(launcher);
    expect(launcher.output.join("")).not.toContain("initialised now");
    const executor = createClient(ExecutorService, createGrpcTransport({ baseUrl: launcher.urls.executor }));
    const { run } = await executor.getRun({ id: runId });
    expect(run?.status).toBe(RunStatus.SUCCEEDED);
    expect(run?.outputs).toEqual({ result: "echo: hello world" });

    expect(await interrupt(launcher)).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 150_000);
});
