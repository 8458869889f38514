import { Check, Column, Entity, PrimaryColumn } from "typeorm";

/** A person's role in a workspace (docs/adr/022). A signed-in user without a row has no role there. */
@Entity({ name: "workspace_members" })
@Check("workspace_members_role", `"role" IN ('viewer', 'editor', 'operator', 'admin')`)
export class WorkspaceMemberEntity {
  @PrimaryColumn({ type: "text", collation: "C" })
  workspace!: string;

  /** The person's verified email, lower-cased: the `name` of a user caller. */
  @PrimaryColumn({ type: "text", collation: "C" })
  email!: string;

  /** `viewer`, `editor`, `operator` or `admin`. */
  @Column({ type: "text" })
  role!: string;

  /** Who added the member or last changed their role. */
  @Column({ type: "text", name: "added_by", default: "" })
  addedBy!: string;

  @Column({ type: "timestamptz", name: "added_at" })
  addedAt!: Date;
}
