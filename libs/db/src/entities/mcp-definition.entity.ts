import { Column, Entity, Index } from "typeorm";
import { CatalogDefinitionColumns } from "./catalog-columns.js";

/** Labels of an MCP (`latest` included) → the version each points at. */
export type LabelMap = Record<string, number>;

/**
 * A registered MCP: its identity and mutable metadata. Its content lives in immutable
 * {@link McpVersionEntity} rows. Soft-deleted rows keep their versions readable by id.
 */
@Entity({ name: "mcp_definitions" })
@Index("mcp_definitions_live_name_key", ["workspace", "nameKey"], {
  unique: true,
  where: "deleted_at IS NULL",
})
@Index("mcp_definitions_list", ["workspace", "nameKey", "id"])
@Index("mcp_definitions_type", ["type"])
@Index("mcp_definitions_tags", { synchronize: false })
@Index("mcp_definitions_labels", { synchronize: false })
export class McpDefinitionEntity extends CatalogDefinitionColumns {
  /** Lower-case type name, e.g. `llm_prompt`; fixed at creation. */
  @Column({ type: "text" })
  type!: string;

  /** Every label and its version, `latest` included. */
  @Column({ type: "jsonb", default: {} })
  labels!: LabelMap;
}
