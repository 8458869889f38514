import type { DataSource, EntityManager } from "typeorm";
import { WorkflowDefinitionEntity } from "../entities/workflow-definition.entity.js";
import { WorkflowVersionEntity } from "../entities/workflow-version.entity.js";
import { dbCall } from "../errors.js";
import { asInsert } from "./insert.js";
import { nextVersionNumber } from "./version-counter.js";

/** Writes to workflow tables inside one transaction; `lock*` reads take row locks. */
export class WorkflowTransaction {
  constructor(readonly manager: EntityManager) {}

  lockById(id: string): Promise<WorkflowDefinitionEntity | null> {
    return this.manager
      .getRepository(WorkflowDefinitionEntity)
      .findOne({ where: { id }, lock: { mode: "pessimistic_write" } });
  }

  lockLiveByName(nameKey: string): Promise<WorkflowDefinitionEntity | null> {
    return this.manager
      .getRepository(WorkflowDefinitionEntity)
      .createQueryBuilder("w")
      .where("w.name_key = :nameKey AND w.deleted_at IS NULL", { nameKey })
      .setLock("pessimistic_write")
      .getOne();
  }

  /** Hands out the next never-used version number for a workflow name (docs/adr/003). */
  nextVersion(nameKey: string): Promise<number> {
    return nextVersionNumber(this.manager, "workflow_name_versions", nameKey);
  }

  findVersion(workflowId: string, version: number): Promise<WorkflowVersionEntity | null> {
    return this.manager.getRepository(WorkflowVersionEntity).findOneBy({ workflowId, version });
  }

  async insertDefinition(row: WorkflowDefinitionEntity): Promise<void> {
    await this.manager.getRepository(WorkflowDefinitionEntity).insert(asInsert(row));
  }

  async insertVersion(row: WorkflowVersionEntity): Promise<void> {
    await this.manager.getRepository(WorkflowVersionEntity).insert(asInsert(row));
  }

  /** Saves a locked definition, bumping its row version. */
  async saveDefinition(row: WorkflowDefinitionEntity): Promise<WorkflowDefinitionEntity> {
    row.rowVersion += 1;
    await this.manager.getRepository(WorkflowDefinitionEntity).update(
      { id: row.id },
      {
        description: row.description,
        tags: row.tags,
        latestVersion: row.latestVersion,
        currentVersion: row.currentVersion,
        currentVersionPinned: row.currentVersionPinned,
        rowVersion: row.rowVersion,
        updatedAt: row.updatedAt,
        deletedAt: row.deletedAt,
      },
    );
    return row;
  }
}

/** Opens workflow write transactions; connection failures become UNAVAILABLE. */
export class WorkflowStore {
  constructor(private readonly dataSource: DataSource) {}

  transaction<T>(work: (tx: WorkflowTransaction) => Promise<T>): Promise<T> {
    return dbCall(() => this.dataSource.transaction((manager) => work(new WorkflowTransaction(manager))));
  }
}
