import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { openDatabase, RunStore, type DataSource } from "@mcp/db";
import { oneStepRun } from "@mcp/db/testing";
import { ExecutorService, RunStatus, StepStatus } from "@mcp/proto/executor";
import { crashExecutor } from "../support/kill-executor";
import { uniqueName } from "../support/mcps";
import {
  executorEnv,
  spawnExecutor,
  startPlatform,
  type ExecutorProcess,
  type TestPlatform,
} from "../support/platform";
import { sharedScratch } from "../support/scratch";
import { scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

jest.setTimeout(120_000);

/** Appends a line to the file named by input `counter` (how often it ran), then does `rest`. */
const counting = (rest: string) => `import json, sys, time
data = json.load(open(sys.argv[1]))
with open(data["counter"], "a") as f:
    f.write("ran\\n")
${rest}
`;
const lines = (file: string) => {
  try {
    return readFileSync(file, "utf8").split("\n").filter(Boolean).length;
  } catch {
    return 0;
  }
};

describe("poison steps and runs end, once", () => {
  let p: TestPlatform;
  let dir: string;
  const children: ExecutorProcess[] = [];
  beforeAll(async () => {
    dir = sharedScratch("mcp-poison-");
    p = await startPlatform({
      executors: 0,
      executorEnv: { SANDBOX_WRITE_PATHS: dir, EXECUTOR_MAX_RECOVERIES: "2" },
    });
  });
  afterAll(async () => {
    for (const c of children) await crashExecutor(c);
    await p?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("a step whose output holds U+0000 fails once with INVALID_OUTPUT naming where, and is not run again", async () => {
    const executor = await p.addExecutor();
    const client = createClient(ExecutorService, createGrpcTransport({ baseUrl: executor.server.url }));
    const mcp = uniqueName("nul");
    const script = counting(
      'json.dump({"success": True, "result": {"s": "a\\u0000b"}, "error": None}, open(sys.argv[2], "w"))',
    );
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(script) });
    const counter = join(dir, `${mcp}.txt`);
    const { run } = await client.runMcp({
      mcp: { mcp: { case: "name", value: mcp } },
      inputs: { counter },
      wait: true,
      waitTimeoutSeconds: 60,
    });
    expect(run?.status).toBe(RunStatus.FAILED);
    expect(run?.steps[0]?.status).toBe(StepStatus.FAILED);
    expect(run?.steps[0]?.error).toMatchObject({
      code: "INVALID_OUTPUT",
      message: "the step's outputs cannot be stored: $.s holds U+0000",
    });
    expect(lines(counter)).toBe(1);
    await executor.stop();
    p.executors.splice(p.executors.indexOf(executor), 1);
  });

  it("a run whose executors keep dying ends FAILED with RECOVERY_LIMIT instead of running its step again and again", async () => {
    const mcp = uniqueName("doomed");
    await p.clients.registry.createMcp({
      name: mcp,
      config: scriptConfig(counting("time.sleep(300)"), 600),
    });
    const counter = join(dir, `${mcp}.txt`);
    const env = executorEnv(p.db, p.registry.url, p.workflows.server.url, {
      SANDBOX_WRITE_PATHS: dir,
      EXECUTOR_MAX_RECOVERIES: "2",
    });
    let executor = await spawnExecutor(env);
    children.push(executor);
    const started = await createClient(
      ExecutorService,
      createGrpcTransport({ baseUrl: executor.url }),
    ).runMcp({
      mcp: { mcp: { case: "name", value: mcp } },
      inputs: { counter },
    });
    const runId = started.run!.id;
    // three executors die while the step runs: the first drove it, two more took it over
    for (let death = 1; death <= 3; death++) {
      await waitFor(
        `the step's run number ${death}`,
        async () => (lines(counter) >= death ? true : undefined),
        {
          timeoutMs: 60_000,
        },
      );
      await crashExecutor(executor);
      executor = await spawnExecutor(env);
      children.push(executor);
    }
    const client = createClient(ExecutorService, createGrpcTransport({ baseUrl: executor.url }));
    const run = await waitFor(
      "the run to end",
      async () => {
        const { run } = await client.getRun({ id: runId });
        return run && run.status !== RunStatus.RUNNING && run.status !== RunStatus.PENDING ? run : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(run.status).toBe(RunStatus.FAILED);
    expect(run.error?.code).toBe("RECOVERY_LIMIT");
    expect(run.error?.message).toMatch(
      /taken over 3 times without any step finishing \(EXECUTOR_MAX_RECOVERIES=2\)/,
    );
    expect(run.steps[0]).toMatchObject({ status: StepStatus.FAILED, error: { code: "RECOVERY_LIMIT" } });
    expect(lines(counter)).toBe(3);
  });

  it("a run its driver cannot drive (a stored plan that does not decode) is given up with the reason, then ends with RECOVERY_LIMIT quoting it", async () => {
    const { dataSource }: { dataSource: DataSource } = await openDatabase({ url: p.db.url, poolSize: 2 });
    try {
      const broken = oneStepRun(randomUUID());
      broken.run.plan = { spec: { steps: "not a list" }, mcps: {}, requestHash: "x" };
      const { run: created } = await new RunStore(dataSource).create(broken);
      const executor = await p.addExecutor({ SANDBOX_WRITE_PATHS: dir, EXECUTOR_MAX_RECOVERIES: "2" });
      const client = createClient(ExecutorService, createGrpcTransport({ baseUrl: executor.server.url }));
      const run = await waitFor(
        "the broken run to end",
        async () => {
          const { run } = await client.getRun({ id: created.id });
          return run && run.status === RunStatus.FAILED ? run : undefined;
        },
        { timeoutMs: 30_000 },
      );
      expect(run.error?.code).toBe("RECOVERY_LIMIT");
      // the platform's own executor (a higher limit) may take the run once more between two of this
      // one's claims, so the count is at least EXECUTOR_MAX_RECOVERIES + 1, not exactly
      const takenOver = /taken over (\d+) times without any step finishing/.exec(run.error?.message ?? "");
      expect(Number(takenOver?.[1])).toBeGreaterThanOrEqual(3);
      expect(run.error?.message).toMatch(/the last executor's error: .+decode.+/);
      expect(run.steps[0]).toMatchObject({ status: StepStatus.SKIPPED });
    } finally {
      await dataSource.destroy();
    }
  });
});
