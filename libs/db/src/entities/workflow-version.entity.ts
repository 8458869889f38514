import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { CatalogVersionColumns } from "./catalog-columns.js";
import { WorkflowDefinitionEntity } from "./workflow-definition.entity.js";
import type { JsonObject } from "./mcp-version.entity.js";

/** One immutable version of a workflow's specification. */
@Entity({ name: "workflow_versions" })
@Index("workflow_versions_mcp_refs", { synchronize: false })
export class WorkflowVersionEntity extends CatalogVersionColumns {
  @PrimaryColumn({ type: "uuid", name: "workflow_id" })
  workflowId!: string;

  @ManyToOne(() => WorkflowDefinitionEntity, { onDelete: "RESTRICT" })
  @JoinColumn({ name: "workflow_id" })
  workflow?: WorkflowDefinitionEntity;

  /** The WorkflowSpec in its canonical Protobuf JSON form (what the content hash covers). */
  @Column({ type: "jsonb" })
  spec!: JsonObject;

  /**
   * Every MCP the spec refers to, as `name:<lower-case name>` or `id:<uuid>`; backs "which workflows
   * use this MCP" (GIN index) for List filters and the registry's delete check.
   */
  @Column({ type: "text", name: "mcp_refs", array: true, default: () => "'{}'" })
  mcpRefs!: string[];
}
