import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * The last version number handed out for a case-insensitive MCP name. Survives deletes, so a
 * re-created name continues numbering instead of reusing numbers (docs/adr/003).
 */
@Entity({ name: "mcp_name_versions" })
export class McpNameCounterEntity {
  @PrimaryColumn({ type: "text", name: "name_key" })
  nameKey!: string;

  @Column({ type: "integer", name: "last_version" })
  lastVersion!: number;
}

/** The same counter for workflow names. */
@Entity({ name: "workflow_name_versions" })
export class WorkflowNameCounterEntity {
  @PrimaryColumn({ type: "text", name: "name_key" })
  nameKey!: string;

  @Column({ type: "integer", name: "last_version" })
  lastVersion!: number;
}
