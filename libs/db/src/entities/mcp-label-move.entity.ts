import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { McpDefinitionEntity } from "./mcp-definition.entity.js";

/** One recorded move of an MCP label (set, moved or removed). Append-only. */
@Entity({ name: "mcp_label_moves" })
@Index("mcp_label_moves_history", ["mcpId", "id"])
export class McpLabelMoveEntity {
  /** Monotonic; orders moves (newest = highest). */
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ type: "uuid", name: "mcp_id" })
  mcpId!: string;

  @ManyToOne(() => McpDefinitionEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "mcp_id" })
  mcp?: McpDefinitionEntity;

  @Column({ type: "text" })
  label!: string;

  /** Version before the move; null when the label was new. */
  @Column({ type: "integer", name: "from_version", nullable: true })
  fromVersion!: number | null;

  /** Version after the move; null when the label was removed. */
  @Column({ type: "integer", name: "to_version", nullable: true })
  toVersion!: number | null;

  @Column({ type: "text", name: "moved_by", default: "" })
  movedBy!: string;

  @Column({ type: "text", default: "" })
  reason!: string;

  @Column({ type: "timestamptz", name: "moved_at" })
  movedAt!: Date;
}
