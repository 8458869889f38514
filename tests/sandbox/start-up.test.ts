import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus } from "@mcp/proto/executor";
import { health } from "@mcp/proto/grpc";
import { startLoggedExecutor, type LoggedExecutor } from "../support/logged-executor";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { scrape } from "../support/prometheus";
import { ownWatchdogs } from "../support/sandbox-watchdogs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

jest.setTimeout(60_000);

const Status = health.HealthCheckResponse_ServingStatus;

/** The executor's start-up check of the sandbox, as an operator sees it: log, health, metrics, steps. */
describe("the executor's sandbox check at start", () => {
  let p: TestPlatform;
  let echo: string;
  let hidden: string;
  const executors: LoggedExecutor[] = [];
  beforeAll(async () => {
    p = await startPlatform({ executors: 0 });
    echo = uniqueName("echo");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    // a folder inside one only root may enter: a sandbox told to read it cannot be built (a misconfiguration)
    hidden = mkdtempSync(join(tmpdir(), "mcp-hidden-"));
    chmodSync(hidden, 0o700);
    mkdirSync(join(hidden, "inner"));
  });
  afterAll(async () => {
    for (const e of executors) await e.stop();
    await p?.stop();
    if (hidden) rmSync(hidden, { recursive: true, force: true });
  });

  async function start(env: Record<string, string>) {
    const executor = await startLoggedExecutor(p, env);
    executors.push(executor);
    const url = executor.app.server.url;
    return {
      executor,
      url,
      sandboxHealth: async () =>
        (
          await createClient(health.Health, createGrpcTransport({ baseUrl: url })).check({
            service: "sandbox",
          })
        ).status,
      runEcho: async () =>
        (
          await createClient(ExecutorService, createGrpcTransport({ baseUrl: url })).runMcp({
            mcp: { mcp: { case: "name", value: echo } },
            inputs: { text: "hi" },
            wait: true,
          })
        ).run!,
    };
  }

  it("bubblewrap working: logs it, health `sandbox` SERVING, mcp_sandbox_info{mode=bubblewrap}", async () => {
    const { executor, url, sandboxHealth, runEcho } = await start({});
    expect(
      executor.records.some((r) => r.msg?.startsWith("step code runs in bubblewrap sandboxes") === true),
    ).toBe(true);
    expect(await sandboxHealth()).toBe(Status.SERVING);
    const metrics = await scrape(url);
    expect(metrics.get('mcp_sandbox_info{egress="available",limits="rlimit",mode="bubblewrap"}')).toBe(1);
    expect((await runEcho()).status).toBe(RunStatus.SUCCEEDED);
  });

  it("SANDBOX=off: warns that step code runs unsandboxed, reports it in health and /metrics, still runs steps", async () => {
    const { executor, url, sandboxHealth, runEcho } = await start({ SANDBOX: "off" });
    const warning = executor.records.find((r) =>
      r.msg?.startsWith("SANDBOX=off: step code runs UNSANDBOXED"),
    );
    expect(warning?.level).toBe("warn");
    expect(await sandboxHealth()).toBe(Status.NOT_SERVING);
    expect((await scrape(url)).get('mcp_sandbox_info{egress="available",limits="rlimit",mode="off"}')).toBe(
      1,
    );
    expect((await runEcho()).status).toBe(RunStatus.SUCCEEDED);
  });

  it("a stopped executor leaves nothing of its sandbox: its watchdog has exited and its folder is gone", async () => {
    const before = await ownWatchdogs();
    const { executor, runEcho } = await start({});
    const started = [...(await ownWatchdogs())].filter(([pid]) => !before.has(pid));
    // one sandbox, so one watchdog, and its folder (the sandbox's /etc files, the steps' work dirs)
    expect(started).toHaveLength(1);
    const [[watchdog, folder]] = started as [[number, string]];
    expect(existsSync(folder)).toBe(true);
    expect((await runEcho()).status).toBe(RunStatus.SUCCEEDED);

    executors.splice(executors.indexOf(executor), 1);
    await executor.stop();
    expect(existsSync(`/proc/${watchdog}`)).toBe(false);
    expect(existsSync(folder)).toBe(false);
    expect([...(await ownWatchdogs()).keys()].sort()).toEqual([...before.keys()].sort());
  });

  it("a sandbox that cannot be built: logs the problem, NOT_SERVING, code steps fail with SANDBOX_UNAVAILABLE naming it", async () => {
    const inner = join(hidden, "inner");
    const watchdogsBefore = [...(await ownWatchdogs()).keys()].sort();
    const { executor, url, sandboxHealth, runEcho } = await start({ SANDBOX_READ_PATHS: inner });
    const error = executor.records.find((r) =>
      r.msg?.startsWith("the sandbox does not work on this machine"),
    );
    expect(error?.level).toBe("error");
    expect(error?.msg).toContain(inner);
    expect(await sandboxHealth()).toBe(Status.NOT_SERVING);
    expect(
      (await scrape(url)).get('mcp_sandbox_info{egress="unavailable",limits="rlimit",mode="unavailable"}'),
    ).toBe(1);
    const run = await runEcho();
    expect(run.status).toBe(RunStatus.FAILED);
    expect(run.steps[0]?.error?.code).toBe("SANDBOX_UNAVAILABLE");
    expect(run.steps[0]?.error?.message).toContain(inner);
    expect(run.steps[0]?.error?.message).toContain("SANDBOX=off");
    // the folder and watchdog of the sandbox that failed its trial were let go at once
    expect([...(await ownWatchdogs()).keys()].sort()).toEqual(watchdogsBefore);
  });
});
