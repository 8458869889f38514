import type { DataSource } from "typeorm";
import { WorkspaceEntity } from "../entities/workspace.entity.js";
import { dbCall } from "../errors.js";

/** What a workspace still holds, by table (only the non-zero counts). */
export type WorkspaceContents = Record<string, number>;

/** The tables whose live rows keep a workspace from being deleted, and how each counts them. */
const CONTENT_COUNTS: Readonly<Record<string, string>> = {
  mcps: "SELECT count(*)::int AS n FROM mcp_definitions WHERE workspace = $1 AND deleted_at IS NULL",
  workflows:
    "SELECT count(*)::int AS n FROM workflow_definitions WHERE workspace = $1 AND deleted_at IS NULL",
  runs: "SELECT count(*)::int AS n FROM workflow_runs WHERE workspace = $1",
  schedules: "SELECT count(*)::int AS n FROM schedules WHERE workspace = $1",
  secrets: "SELECT count(*)::int AS n FROM secrets WHERE workspace = $1",
  triggers: "SELECT count(*)::int AS n FROM webhook_triggers WHERE workspace = $1",
  "api keys": "SELECT count(*)::int AS n FROM api_keys WHERE workspace = $1 AND revoked_at IS NULL",
};

/** The `workspaces` table (docs/adr/021); connection failures become UNAVAILABLE. */
export class WorkspaceStore {
  constructor(private readonly dataSource: DataSource) {}

  /** Inserts a workspace; false when one with the name exists already. */
  async create(name: string, createdBy: string | null): Promise<WorkspaceEntity | undefined> {
    const rows = await dbCall(() =>
      this.dataSource.query<{ name: string; created_at: Date; created_by: string | null }[]>(
        `INSERT INTO workspaces (name, created_by) VALUES ($1, $2)
         ON CONFLICT (name) DO NOTHING RETURNING name, created_at, created_by`,
        [name, createdBy],
      ),
    );
    const row = rows[0];
    return row ? { name: row.name, createdAt: row.created_at, createdBy: row.created_by } : undefined;
  }

  async find(name: string): Promise<WorkspaceEntity | undefined> {
    return (
      (await dbCall(() => this.dataSource.getRepository(WorkspaceEntity).findOneBy({ name }))) ?? undefined
    );
  }

  /** Workspaces by name, after `after` when given, at most `limit`. */
  list(after: string | undefined, limit: number): Promise<WorkspaceEntity[]> {
    return dbCall(() => {
      const q = this.dataSource.getRepository(WorkspaceEntity).createQueryBuilder("w");
      if (after !== undefined) q.where("w.name > :after", { after });
      return q.orderBy("w.name", "ASC").limit(limit).getMany();
    });
  }

  /** What the workspace still holds (live definitions, runs, schedules, secrets, triggers, live keys). */
  async contents(name: string): Promise<WorkspaceContents> {
    const counts = await dbCall(() =>
      Promise.all(
        Object.entries(CONTENT_COUNTS).map(async ([what, sql]) => {
          const rows = await this.dataSource.query<{ n: number }[]>(sql, [name]);
          return [what, rows[0]?.n ?? 0] as const;
        }),
      ),
    );
    return Object.fromEntries(counts.filter(([, n]) => n > 0));
  }

  /**
   * Deletes the workspace when it holds nothing, atomically (the row is locked while its contents
   * are counted). `deleted` false with empty `contents` = there was no such workspace.
   */
  async deleteIfEmpty(name: string): Promise<{ deleted: boolean; contents: WorkspaceContents }> {
    return dbCall(() =>
      this.dataSource.transaction(async (tx) => {
        const locked = await tx.query<{ name: string }[]>(
          "SELECT name FROM workspaces WHERE name = $1 FOR UPDATE",
          [name],
        );
        if (locked.length === 0) return { deleted: false, contents: {} };
        const contents: WorkspaceContents = {};
        for (const [what, sql] of Object.entries(CONTENT_COUNTS)) {
          const rows = await tx.query<{ n: number }[]>(sql, [name]);
          const n = rows[0]?.n ?? 0;
          if (n > 0) contents[what] = n;
        }
        if (Object.keys(contents).length > 0) return { deleted: false, contents };
        // soft-deleted definitions (their versions and label moves), counters and revoked keys go with it
        for (const [versions, owner, table] of [
          ["mcp_versions", "mcp_id", "mcp_definitions"],
          ["workflow_versions", "workflow_id", "workflow_definitions"],
        ] as const) {
          await tx.query(
            `DELETE FROM ${versions} WHERE ${owner} IN (SELECT id FROM ${table} WHERE workspace = $1)`,
            [name],
          );
          await tx.query(`DELETE FROM ${table} WHERE workspace = $1`, [name]);
        }
        for (const table of ["mcp_name_versions", "workflow_name_versions", "api_keys"]) {
          await tx.query(`DELETE FROM ${table} WHERE workspace = $1`, [name]);
        }
        await tx.query("DELETE FROM workspaces WHERE name = $1", [name]);
        return { deleted: true, contents };
      }),
    );
  }
}
