import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { CatalogVersionColumns } from "./catalog-columns.js";
import { McpDefinitionEntity } from "./mcp-definition.entity.js";

/** JSON as stored in jsonb columns: protobuf-es's JSON type, the one of the whole code base. */
export type { JsonObject, JsonValue } from "@bufbuild/protobuf";
import type { JsonObject } from "@bufbuild/protobuf";

/** One immutable version of an MCP's content. Only the deprecation fields ever change. */
@Entity({ name: "mcp_versions" })
@Index("mcp_versions_hash", ["mcpId", "contentHash"])
@Index("mcp_versions_deprecated", ["mcpId", "version"], { where: "deprecated" })
export class McpVersionEntity extends CatalogVersionColumns {
  @PrimaryColumn({ type: "uuid", name: "mcp_id" })
  mcpId!: string;

  @ManyToOne(() => McpDefinitionEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "mcp_id" })
  mcp?: McpDefinitionEntity;

  /** Lower-case type name, e.g. `python_script`. */
  @Column({ type: "text" })
  type!: string;

  /** The typed config in its canonical Protobuf JSON form (defaults filled in); hashed with the schemas. */
  @Column({ type: "jsonb" })
  config!: JsonObject;

  @Column({ type: "jsonb", name: "input_schema", nullable: true })
  inputSchema!: JsonObject | null;

  @Column({ type: "jsonb", name: "output_schema", nullable: true })
  outputSchema!: JsonObject | null;

  /** What an `mcp_tool` server reported from `listTools` when the version was written; null if not probed. */
  @Column({ type: "jsonb", name: "tool_snapshot", nullable: true })
  toolSnapshot!: JsonObject | null;

  @Column({ type: "boolean", default: false })
  deprecated!: boolean;

  @Column({ type: "text", name: "deprecation_message", default: "" })
  deprecationMessage!: string;

  @Column({ type: "timestamptz", name: "deprecated_at", nullable: true })
  deprecatedAt!: Date | null;
}
