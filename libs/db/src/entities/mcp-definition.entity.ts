import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** Labels of an MCP (`latest` included) → the version each points at. */
export type LabelMap = Record<string, number>;

/**
 * A registered MCP: its identity and mutable metadata. Its content lives in immutable
 * {@link McpVersionEntity} rows. Soft-deleted rows keep their versions readable by id.
 */
@Entity({ name: "mcp_definitions" })
@Index("mcp_definitions_live_name_key", ["nameKey"], { unique: true, where: "deleted_at IS NULL" })
@Index("mcp_definitions_list", ["nameKey", "id"])
@Index("mcp_definitions_type", ["type"])
@Index("mcp_definitions_tags", { synchronize: false })
export class McpDefinitionEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  /** The name as written by its author. */
  @Column({ type: "text" })
  name!: string;

  /** `lower(name)`: the case-insensitive key for uniqueness, lookups and ordering. */
  @Column({ type: "text", name: "name_key" })
  nameKey!: string;

  /** Lower-case type name, e.g. `llm_prompt`; fixed at creation. */
  @Column({ type: "text" })
  type!: string;

  @Column({ type: "text", default: "" })
  description!: string;

  @Column({ type: "text", array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: "integer", name: "latest_version" })
  latestVersion!: number;

  /** Every label and its version, `latest` included. */
  @Column({ type: "jsonb", default: {} })
  labels!: LabelMap;

  /** Optimistic-concurrency counter; the etag is derived from it. Bumped on every write. */
  @Column({ type: "integer", name: "row_version", default: 1 })
  rowVersion!: number;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;

  @Column({ type: "timestamptz", name: "updated_at" })
  updatedAt!: Date;

  @Column({ type: "timestamptz", name: "deleted_at", nullable: true })
  deletedAt!: Date | null;
}
