import { ExecutorService } from "@mcp/proto/executor";
import { Client } from "pg";
import { startServiceProcess } from "../lib/service-process";
import { settings } from "../lib/settings";
import { round, summarize } from "../lib/stats";
import {
  createScriptMcp,
  defineWorkflow,
  executorEnv,
  grpcClient,
  noopSpec,
  startBenchPlatform,
} from "../platform";
import { ms, target, type SuiteResult } from "../report";
import { benchRunner } from "../runners";
import { loadExecutorConfig } from "@mcp/executor/config";

const sleep = (msec: number) => new Promise((r) => setTimeout(r, msec));

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(5);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Kill -9 an executor (a child process) in the middle of a run of slow steps; time until the surviving
 * in-process executor owns the run and has started a step again (ADR 024: it sees the dead executor's
 * session end, without waiting for its lease).
 */
export async function recoverySuite(): Promise<SuiteResult> {
  const { kills, stepMs, steps } = settings.recovery;
  const p = await startBenchPlatform({ executors: 0, runnerFor: benchRunner });
  const pg = new Client({ connectionString: p.db.url });
  await pg.connect();
  const env = executorEnv(p.db.url, p.registry.server.url, p.workflows.server.url);
  const lease = loadExecutorConfig(env).executor;
  const resumedMs: number[] = [];
  const ownedMs: number[] = [];
  try {
    await createScriptMcp(p, `bench-sleep-${stepMs}`);
    await defineWorkflow(p, "slow", noopSpec(`bench-sleep-${stepMs}`, steps, "sequential"));
    let survivor: string | undefined;
    const finished = async (runId: string) => {
      const status = async () =>
        (await pg.query<{ status: string }>("SELECT status FROM workflow_runs WHERE id = $1", [runId]))
          .rows[0]?.status;
      await waitFor(
        "the run to finish",
        async () => ((await status()) === "succeeded" ? true : undefined),
        60_000,
      );
    };
    for (let k = 0, attempts = 0; k < kills; attempts++) {
      if (attempts > kills + 5) throw new Error("the survivor kept claiming the runs meant for the child");
      const { child, url } = await startServiceProcess("bench/executor-child.ts", env);
      const { run } = await grpcClient(ExecutorService, url).executeWorkflow({
        workflow: { workflow: { case: "name", value: "slow" } },
        inputs: { x: "bench" },
      });
      const runId = run?.id ?? "";
      const row = async () =>
        (
          await pg.query<{ owner: string | null; status: string }>(
            "SELECT owner, status FROM workflow_runs WHERE id = $1",
            [runId],
          )
        ).rows[0];
      // mid-run: the child owns it and has finished a few steps
      const owner = await waitFor("the child to be 3 steps in", async () => {
        const r = await row();
        const done = await pg.query("SELECT 1 FROM step_runs WHERE run_id = $1 AND status = 'succeeded'", [
          runId,
        ]);
        return r?.owner && done.rowCount !== null && done.rowCount >= 3 ? r.owner : undefined;
      });
      if (!owner.includes(`:${child.pid}:`)) {
        // the survivor's poll won the race for the new run: let it finish, try again with a new child
        child.kill("SIGKILL");
        await finished(runId);
        continue;
      }
      survivor ??= (await p.addExecutor(benchRunner)).owner;
      await sleep(100);
      const exited = new Promise((r) => child.once("exit", r));
      const killedAt = Date.now();
      const t0 = performance.now();
      child.kill("SIGKILL");
      await exited;
      const ownedAfter = await waitFor("another executor to own the run", async () =>
        (await row())?.owner === survivor ? performance.now() - t0 : undefined,
      );
      // when the survivor started a step (its own clock: it runs in this process), once one has
      const resumedAfter = await waitFor("a step to start again", async () => {
        const r = await pg.query<{ at: Date | null }>(
          "SELECT min(started_at) AS at FROM step_runs WHERE run_id = $1 AND started_at > $2",
          [runId, new Date(killedAt)],
        );
        const at = r.rows[0]?.at;
        return at ? at.getTime() - killedAt : undefined;
      });
      ownedMs.push(ownedAfter);
      resumedMs.push(resumedAfter);
      await finished(runId);
      k++;
    }
    const resumed = summarize(resumedMs);
    const owned = summarize(ownedMs);
    return {
      rows: [
        {
          figure: `kill -9 → a step started on another executor (n=${kills}, default lease ${lease.leaseMs} ms, failover poll ${lease.failoverPollMs} ms)`,
          ours: `p50 ${ms(resumed.p50)}, max ${ms(Math.max(...resumedMs))}`,
          target: target("p50 ≤ 0.5 s", resumed.p50 / 1000, 0.5, "s", "max"),
        },
        { figure: "kill -9 → run re-owned (its ended session seen)", ours: `p50 ${ms(owned.p50)}` },
      ],
      json: {
        kills,
        lease_ms: lease.leaseMs,
        poll_ms: lease.pollMs,
        failover_poll_ms: lease.failoverPollMs,
        resumed_ms: resumed,
        reowned_ms: owned,
        samples_ms: resumedMs.map((x) => round(x, 1)),
      },
    };
  } finally {
    await pg.end();
    await p.stop();
  }
}
