import { randomUUID } from "node:crypto";
import { Client } from "pg";

/**
 * Copies run `runId` (its row only) under a new id that shares the first `digits` hex digits of
 * `runId`, so that prefix names two runs. Returns the new id.
 */
export async function addRunSharingPrefix(dbUrl: string, runId: string, digits = 8): Promise<string> {
  const fresh = randomUUID().replace(/-/g, "");
  const hex = (runId.replace(/-/g, "").slice(0, digits) + fresh.slice(digits)).toLowerCase();
  const id = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  const pg = new Client({ connectionString: dbUrl });
  await pg.connect();
  try {
    await pg.query(
      `INSERT INTO workflow_runs
       SELECT (jsonb_populate_record(r, jsonb_build_object('id', $2::text, 'request_id', $3::text))).*
         FROM workflow_runs r WHERE r.id = $1`,
      [runId, id, `twin-${id}`],
    );
  } finally {
    await pg.end();
  }
  return id;
}
