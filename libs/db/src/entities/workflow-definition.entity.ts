import { Column, Entity, Index } from "typeorm";
import { CatalogDefinitionColumns } from "./catalog-columns.js";

/**
 * A workflow's identity and mutable metadata. Its specification lives in immutable
 * {@link WorkflowVersionEntity} rows; `currentVersion` is what runs use unless they pin one.
 */
@Entity({ name: "workflow_definitions" })
@Index("workflow_definitions_live_name_key", ["workspace", "nameKey"], {
  unique: true,
  where: "deleted_at IS NULL",
})
@Index("workflow_definitions_list", ["workspace", "nameKey", "id"])
export class WorkflowDefinitionEntity extends CatalogDefinitionColumns {
  /** The version runs use by default; moved by rollback. */
  @Column({ type: "integer", name: "current_version" })
  currentVersion!: number;

  /** True after a rollback: new versions do not move `currentVersion` until it is set again. */
  @Column({ type: "boolean", name: "current_version_pinned", default: false })
  currentVersionPinned!: boolean;
}
