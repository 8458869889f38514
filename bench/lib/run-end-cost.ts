import { Client } from "pg";

/** A workspace of its own, so the measurement's rows never show in the suite's other figures. */
const WORKSPACE = "bench-run-end";

/**
 * What the dashboard's rollup costs a run's end: the run-end statement (`UPDATE workflow_runs SET
 * status = 'succeeded', …` as the driver's fenced write sends it) timed with the rollup's update
 * trigger on and off, in `rounds` alternating rounds of `perRound` runs each, on the database at
 * `url`. The runs are live rows of a workspace of their own (owned elsewhere, never claimable), and
 * they and their rollup rows are deleted afterwards (triggers off: the ones ended with the trigger
 * off were never counted). Returns the latencies in ms.
 */
export async function runEndCost(
  url: string,
  rounds: number,
  perRound: number,
): Promise<{ withRollup: number[]; without: number[] }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  const out = { withRollup: [] as number[], without: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++) {
      for (const on of round % 2 === 0 ? [true, false] : [false, true]) {
        await client.query(
          `ALTER TABLE workflow_runs ${on ? "ENABLE" : "DISABLE"} TRIGGER run_stats_hourly_on_update`,
        );
        const { rows } = await client.query<{ id: string }>(
          `INSERT INTO workflow_runs (id, workspace, kind, workflow_name, status, owner, lease_expires_at, wake_at,
                                      fence, created_at, started_at, updated_at)
           SELECT gen_random_uuid(), $1, 'workflow', 'run-end', 'running', 'bench-elsewhere',
                  now() + interval '1 day', 'infinity', 1, now(), now(), now()
             FROM generate_series(1, $2)
           RETURNING id`,
          [WORKSPACE, perRound],
        );
        for (const { id } of rows) {
          const started = performance.now();
          await client.query(
            `UPDATE workflow_runs SET status = 'succeeded', finished_at = now(), updated_at = now(),
                    owner = NULL, lease_expires_at = NULL, event_seq = event_seq + 1
              WHERE id = $1 AND fence = 1`,
            [id],
          );
          (on ? out.withRollup : out.without).push(performance.now() - started);
        }
      }
    }
    return out;
  } finally {
    await client.query("ALTER TABLE workflow_runs ENABLE TRIGGER run_stats_hourly_on_update");
    await client.query("ALTER TABLE workflow_runs DISABLE TRIGGER run_stats_hourly_on_delete");
    await client.query("DELETE FROM workflow_runs WHERE workspace = $1", [WORKSPACE]);
    await client.query("ALTER TABLE workflow_runs ENABLE TRIGGER run_stats_hourly_on_delete");
    await client.query("DELETE FROM run_stats_hourly WHERE workspace = $1", [WORKSPACE]);
    await client.end();
  }
}
