import { Column, Entity, PrimaryColumn } from "typeorm";

/** A workspace (docs/adr/021): what every MCP, workflow, run, schedule, secret, trigger and key belongs to. */
@Entity({ name: "workspaces" })
export class WorkspaceEntity {
  /** Lower-case letters, digits and dashes (`WORKSPACE_NAME`); byte order. */
  @PrimaryColumn({ type: "text", collation: "C", primaryKeyConstraintName: "workspaces_pkey" })
  name!: string;

  @Column({ type: "timestamptz", name: "created_at", default: () => "now()" })
  createdAt!: Date;

  /** Who created it (the caller's principal); null for `default` and for calls without auth. */
  @Column({ type: "text", name: "created_by", nullable: true })
  createdBy!: string | null;
}
