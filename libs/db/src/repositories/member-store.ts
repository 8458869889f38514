import type { DataSource } from "typeorm";
import type { WorkspaceMemberEntity } from "../entities/workspace-member.entity.js";
import { dbCall } from "../errors.js";
import { decodePageToken, encodePageToken, pageSize, toPage, type Page } from "../pagination/page-token.js";

/** A membership as callers pass it; emails are stored lower-cased. */
export interface MemberChange {
  readonly workspace: string;
  readonly email: string;
  readonly role: string;
  readonly addedBy: string;
}

interface MemberRow {
  workspace: string;
  email: string;
  role: string;
  added_by: string;
  added_at: Date;
}

const entity = (row: MemberRow): WorkspaceMemberEntity => ({
  workspace: row.workspace,
  email: row.email,
  role: row.role,
  addedBy: row.added_by,
  addedAt: row.added_at,
});

/** The `workspace_members` table: who has which role in which workspace (docs/adr/022). */
export class MemberStore {
  constructor(private readonly dataSource: DataSource) {}

  private rows(sql: string, params: unknown[]): Promise<MemberRow[]> {
    return dbCall(() => this.dataSource.query<MemberRow[]>(sql, params));
  }

  /** The role of `email` in `workspace`, or undefined when they are not a member. */
  async roleOf(workspace: string, email: string): Promise<string | undefined> {
    const rows = await this.rows("SELECT * FROM workspace_members WHERE workspace = $1 AND email = $2", [
      workspace,
      email.toLowerCase(),
    ]);
    return rows[0]?.role;
  }

  /** Inserts a membership; undefined when the person already is a member. */
  async add(member: MemberChange): Promise<WorkspaceMemberEntity | undefined> {
    const rows = await this.rows(
      `INSERT INTO workspace_members (workspace, email, role, added_by, added_at)
       VALUES ($1, $2, $3, $4, now()) ON CONFLICT (workspace, email) DO NOTHING RETURNING *`,
      [member.workspace, member.email.toLowerCase(), member.role, member.addedBy],
    );
    return rows[0] && entity(rows[0]);
  }

  /** Changes a member's role; undefined when there is no such member. */
  async update(member: MemberChange): Promise<WorkspaceMemberEntity | undefined> {
    // (a CTE: TypeORM answers a bare UPDATE/DELETE with [rows, count], a SELECT with the rows)
    const rows = await this.rows(
      `WITH changed AS (UPDATE workspace_members SET role = $3, added_by = $4, added_at = now()
       WHERE workspace = $1 AND email = $2 RETURNING *) SELECT * FROM changed`,
      [member.workspace, member.email.toLowerCase(), member.role, member.addedBy],
    );
    return rows[0] && entity(rows[0]);
  }

  /** Removes a member; false when there was none. */
  async remove(workspace: string, email: string): Promise<boolean> {
    const rows = await this.rows(
      `WITH gone AS (DELETE FROM workspace_members WHERE workspace = $1 AND email = $2 RETURNING *)
       SELECT * FROM gone`,
      [workspace, email.toLowerCase()],
    );
    return rows.length > 0;
  }

  /** One page of the workspace's members by email, after the position `pageToken` holds. */
  async listPage(workspace: string, pageToken: string, size: number): Promise<Page<WorkspaceMemberEntity>> {
    const filter = { list: "workspace_members", workspace };
    const after = decodePageToken(pageToken, filter)?.[0];
    const limit = pageSize(size);
    const rows = await this.rows(
      `SELECT * FROM workspace_members WHERE workspace = $1 AND ($2::text IS NULL OR email > $2)
       ORDER BY email LIMIT $3`,
      [workspace, after === undefined ? null : String(after), limit + 1],
    );
    return toPage(rows, limit, (last) => encodePageToken([last.email], filter), entity);
  }
}
