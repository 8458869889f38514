import { createClient, type CallOptions, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ScheduleService } from "@mcp/proto/executor";
import { ExecutionMode } from "@mcp/proto/workflows";
import { Client as PgClient } from "pg";
import { uniqueName } from "./mcps";
import type { TestPlatform } from "./platform";
import { ECHO_SCRIPT, SLEEP_SCRIPT, scriptConfig } from "./scripts";

/** A ScheduleService client of the executor at `url`. */
export const scheduleClient = (url: string): Client<typeof ScheduleService> =>
  createClient(ScheduleService, createGrpcTransport({ baseUrl: url }));

/**
 * A one-step workflow: `echo` (returns input `text` at once), or `sleep` (sleeps input `seconds`);
 * its inputs are `text` (required) or `seconds` (required). Resolves with its name. `options` go with
 * both writes (an API key when keys are on).
 */
export async function oneStepWorkflow(
  p: TestPlatform,
  kind: "echo" | "sleep",
  options: CallOptions = {},
): Promise<string> {
  const mcp = uniqueName(`sch-${kind}`);
  await p.clients.registry.createMcp(
    {
      name: mcp,
      config: scriptConfig(kind === "echo" ? ECHO_SCRIPT : SLEEP_SCRIPT, 120),
    },
    options,
  );
  const input = kind === "echo" ? "text" : "seconds";
  const workflow = uniqueName(`sch-flow-${kind}`);
  await p.clients.workflows.createWorkflow(
    {
      name: workflow,
      spec: {
        executionMode: ExecutionMode.SEQUENTIAL,
        inputs: [{ name: input, required: true }],
        steps: [
          {
            stepId: "only",
            mcp: { mcp: { case: "name", value: mcp } },
            inputs: { [input]: { source: { case: "workflowInput", value: input } } },
          },
        ],
      },
    },
    options,
  );
  return workflow;
}

/** One row per run a schedule started: its tick (ms since epoch) and status. */
export interface ScheduledRun {
  readonly id: string;
  readonly tick: number;
  readonly status: string;
}

/** The runs schedule `scheduleId` started, by tick. */
export async function scheduledRuns(dbUrl: string, scheduleId: string): Promise<ScheduledRun[]> {
  const pg = new PgClient({ connectionString: dbUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ id: string; tick: Date; status: string }>(
      "SELECT id, schedule_tick_at AS tick, status FROM workflow_runs WHERE schedule_id = $1 ORDER BY schedule_tick_at, id",
      [scheduleId],
    );
    return rows.map((r) => ({ id: r.id, tick: r.tick.getTime(), status: r.status }));
  } finally {
    await pg.end();
  }
}

/** The ticks of `scheduleId` as stored: time, kind, outcome, which executor fired it. */
export async function scheduleTicks(
  dbUrl: string,
  scheduleId: string,
): Promise<
  Array<{ tick: number; kind: string; outcome: string; claimedBy: string | null; runId: string | null }>
> {
  const pg = new PgClient({ connectionString: dbUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{
      tick_at: Date;
      kind: string;
      outcome: string;
      claimed_by: string | null;
      run_id: string | null;
    }>(
      "SELECT tick_at, kind, outcome, claimed_by, run_id FROM schedule_ticks WHERE schedule_id = $1 ORDER BY tick_at",
      [scheduleId],
    );
    return rows.map((r) => ({
      tick: r.tick_at.getTime(),
      kind: r.kind,
      outcome: r.outcome,
      claimedBy: r.claimed_by,
      runId: r.run_id,
    }));
  } finally {
    await pg.end();
  }
}
