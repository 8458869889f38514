import { Client } from "pg";

/** How many rows the workflow tables hold. */
export interface WorkflowRowCounts {
  readonly definitions: number;
  readonly versions: number;
}

/** A PostgreSQL connection that counts workflow rows, to prove a call wrote nothing (or exactly one). */
export interface WorkflowRows {
  count(): Promise<WorkflowRowCounts>;
  close(): Promise<void>;
}

/** Connects to the workflows database at `url`; call {@link WorkflowRows.close} when done. */
export async function openWorkflowRows(url: string): Promise<WorkflowRows> {
  const pg = new Client({ connectionString: url });
  await pg.connect();
  return {
    async count() {
      const row = (
        await pg.query<{ definitions: string; versions: string }>(
          "SELECT (SELECT count(*) FROM workflow_definitions) AS definitions, (SELECT count(*) FROM workflow_versions) AS versions",
        )
      ).rows[0]!;
      return { definitions: Number(row.definitions), versions: Number(row.versions) };
    },
    close: () => pg.end(),
  };
}
