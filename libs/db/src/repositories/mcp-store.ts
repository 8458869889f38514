import type { DataSource } from "typeorm";
import { CatalogStore, CatalogTransaction } from "../catalog/catalog-store.js";
import type { CatalogKind } from "../catalog/catalog-kind.js";
import { McpDefinitionEntity } from "../entities/mcp-definition.entity.js";
import { McpLabelMoveEntity } from "../entities/mcp-label-move.entity.js";
import { McpVersionEntity } from "../entities/mcp-version.entity.js";
import { asInsert } from "./insert.js";

/** MCPs as a versioned kind: `mcp_definitions`, `mcp_versions`, `mcp_name_versions`. */
export const MCP_CATALOG: CatalogKind<McpDefinitionEntity, McpVersionEntity> = {
  noun: "mcp",
  definition: McpDefinitionEntity,
  version: McpVersionEntity,
  versionOwner: "mcpId",
  counterTable: "mcp_name_versions",
  liveNameIndex: "mcp_definitions_live_name_key",
  mutableColumns: ["labels"],
};

/** An MCP write transaction: the catalogue's writes, plus deprecation and recorded label moves. */
export class McpTransaction extends CatalogTransaction<McpDefinitionEntity, McpVersionEntity> {
  async saveVersionDeprecation(row: McpVersionEntity): Promise<void> {
    await this.manager.getRepository(McpVersionEntity).update(
      { mcpId: row.mcpId, version: row.version },
      {
        deprecated: row.deprecated,
        deprecationMessage: row.deprecationMessage,
        deprecatedAt: row.deprecatedAt,
      },
    );
  }

  async insertLabelMove(row: Omit<McpLabelMoveEntity, "id" | "mcp">): Promise<McpLabelMoveEntity> {
    const result = await this.manager.getRepository(McpLabelMoveEntity).insert(asInsert(row));
    const id = String((result.identifiers[0] as { id: string | number }).id);
    return { ...row, id };
  }
}

/** Opens MCP write transactions; connection failures become UNAVAILABLE. */
export class McpStore extends CatalogStore<McpDefinitionEntity, McpVersionEntity, McpTransaction> {
  constructor(dataSource: DataSource) {
    super(dataSource, MCP_CATALOG, (manager) => new McpTransaction(manager, MCP_CATALOG));
  }
}
