import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * A workflow's identity and mutable metadata. Its specification lives in immutable
 * {@link WorkflowVersionEntity} rows; `currentVersion` is what runs use unless they pin one.
 */
@Entity({ name: "workflow_definitions" })
@Index("workflow_definitions_live_name_key", ["nameKey"], { unique: true, where: "deleted_at IS NULL" })
@Index("workflow_definitions_list", ["nameKey", "id"])
export class WorkflowDefinitionEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "text" })
  name!: string;

  /** `lower(name)`. */
  @Column({ type: "text", name: "name_key" })
  nameKey!: string;

  @Column({ type: "text", default: "" })
  description!: string;

  @Column({ type: "text", array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: "integer", name: "latest_version" })
  latestVersion!: number;

  /** The version runs use by default; moved by rollback. */
  @Column({ type: "integer", name: "current_version" })
  currentVersion!: number;

  /** True after a rollback: new versions do not move `currentVersion` until it is set again. */
  @Column({ type: "boolean", name: "current_version_pinned", default: false })
  currentVersionPinned!: boolean;

  @Column({ type: "integer", name: "row_version", default: 1 })
  rowVersion!: number;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;

  @Column({ type: "timestamptz", name: "updated_at" })
  updatedAt!: Date;

  @Column({ type: "timestamptz", name: "deleted_at", nullable: true })
  deletedAt!: Date | null;
}
