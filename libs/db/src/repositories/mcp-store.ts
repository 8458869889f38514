import type { DataSource, EntityManager } from "typeorm";
import { asInsert } from "./insert.js";
import { McpDefinitionEntity } from "../entities/mcp-definition.entity.js";
import { McpLabelMoveEntity } from "../entities/mcp-label-move.entity.js";
import { McpVersionEntity } from "../entities/mcp-version.entity.js";
import { dbCall } from "../errors.js";
import { nextVersionNumber } from "./version-counter.js";

/**
 * Writes to MCP tables inside one transaction. Rows are locked (`FOR UPDATE`) when read through
 * `lock*`, so the domain's checks (etag, deleted, hashes) and its writes are atomic.
 */
export class McpTransaction {
  constructor(readonly manager: EntityManager) {}

  /** The definition by id, locked for this transaction. */
  lockById(id: string): Promise<McpDefinitionEntity | null> {
    return this.manager
      .getRepository(McpDefinitionEntity)
      .findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
  }

  /** The live definition with this case-insensitive name, locked for this transaction. */
  lockLiveByName(nameKey: string): Promise<McpDefinitionEntity | null> {
    return this.manager
      .getRepository(McpDefinitionEntity)
      .createQueryBuilder("d")
      .where("d.name_key = :nameKey AND d.deleted_at IS NULL", { nameKey })
      .setLock("pessimistic_write")
      .getOne();
  }

  /** Hands out the next never-used version number for a name (docs/adr/003). */
  nextVersion(nameKey: string): Promise<number> {
    return nextVersionNumber(this.manager, "mcp_name_versions", nameKey);
  }

  findVersion(mcpId: string, version: number): Promise<McpVersionEntity | null> {
    return this.manager.getRepository(McpVersionEntity).findOneBy({ mcpId, version });
  }

  async insertDefinition(row: McpDefinitionEntity): Promise<void> {
    await this.manager.getRepository(McpDefinitionEntity).insert(asInsert(row));
  }

  async insertVersion(row: McpVersionEntity): Promise<void> {
    await this.manager.getRepository(McpVersionEntity).insert(asInsert(row));
  }

  /** Saves a locked definition, bumping its row version. */
  async saveDefinition(row: McpDefinitionEntity): Promise<McpDefinitionEntity> {
    row.rowVersion += 1;
    await this.manager.getRepository(McpDefinitionEntity).update(
      { id: row.id },
      {
        description: row.description,
        tags: row.tags,
        latestVersion: row.latestVersion,
        labels: row.labels,
        rowVersion: row.rowVersion,
        updatedAt: row.updatedAt,
        deletedAt: row.deletedAt,
      },
    );
    return row;
  }

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
export class McpStore {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: McpTransaction) => Promise<T>): Promise<T> {
    return dbCall(() => this.dataSource.transaction((manager) => work(new McpTransaction(manager))));
  }
}
