import { Entity } from "typeorm";
import { NameCounterColumns } from "./catalog-columns.js";

/** The version counter of MCP names (docs/adr/003). */
@Entity({ name: "mcp_name_versions" })
export class McpNameCounterEntity extends NameCounterColumns {}

/** The same counter for workflow names. */
@Entity({ name: "workflow_name_versions" })
export class WorkflowNameCounterEntity extends NameCounterColumns {}
