import type { DataSource, EntityManager, FindOptionsWhere } from "typeorm";
import { dbCall } from "../errors.js";
import { asInsert, asUpdate } from "../repositories/insert.js";
import { nextVersionNumber } from "../repositories/version-counter.js";
import {
  MUTABLE_DEFINITION_COLUMNS,
  type CatalogDefinitionRow,
  type CatalogKind,
  type CatalogVersionRow,
} from "./catalog-kind.js";

/**
 * Writes to one kind's tables inside one transaction. Rows are locked (`FOR UPDATE`) when read through
 * `lock*`, so the domain's checks (etag, deleted, hashes) and its writes are atomic.
 */
export class CatalogTransaction<D extends CatalogDefinitionRow, V extends CatalogVersionRow> {
  constructor(
    readonly manager: EntityManager,
    readonly kind: CatalogKind<D, V>,
  ) {}

  /** The definition of `workspace` by id, locked for this transaction. */
  lockById(workspace: string, id: string): Promise<D | null> {
    return this.manager
      .getRepository(this.kind.definition)
      .findOne({ where: { id, workspace } as FindOptionsWhere<D>, lock: { mode: "pessimistic_write" } });
  }

  /** The live definition of `workspace` with this case-insensitive name, locked for this transaction. */
  lockLiveByName(workspace: string, nameKey: string): Promise<D | null> {
    return this.manager
      .getRepository(this.kind.definition)
      .createQueryBuilder("d")
      .where("d.workspace = :workspace AND d.name_key = :nameKey AND d.deleted_at IS NULL", {
        workspace,
        nameKey,
      })
      .setLock("pessimistic_write")
      .getOne();
  }

  /** Hands out the next never-used version number for a name in a workspace (docs/adr/003). */
  nextVersion(workspace: string, nameKey: string): Promise<number> {
    return nextVersionNumber(this.manager, this.kind.counterTable, workspace, nameKey);
  }

  findVersion(definitionId: string, version: number): Promise<V | null> {
    return this.manager
      .getRepository(this.kind.version)
      .findOneBy({ [this.kind.versionOwner]: definitionId, version } as FindOptionsWhere<V>);
  }

  async insertDefinition(row: D): Promise<void> {
    await this.manager.getRepository(this.kind.definition).insert(asInsert(row));
  }

  async insertVersion(row: V): Promise<void> {
    await this.manager.getRepository(this.kind.version).insert(asInsert(row));
  }

  /** Saves a locked definition's changeable columns, bumping its row version. */
  async saveDefinition(row: D): Promise<D> {
    row.rowVersion += 1;
    const columns = [...MUTABLE_DEFINITION_COLUMNS, ...this.kind.mutableColumns];
    const fields = Object.fromEntries(columns.map((c) => [c, row[c as keyof D]])) as Partial<D>;
    await this.manager
      .getRepository(this.kind.definition)
      .update({ id: row.id } as FindOptionsWhere<D>, asUpdate(fields));
    return row;
  }
}

/**
 * Opens write transactions on one kind's tables; connection failures become UNAVAILABLE. A kind with
 * writes of its own (the registry's label moves) passes a transaction that extends CatalogTransaction.
 */
export class CatalogStore<
  D extends CatalogDefinitionRow,
  V extends CatalogVersionRow,
  Tx extends CatalogTransaction<D, V> = CatalogTransaction<D, V>,
> {
  constructor(
    private readonly dataSource: DataSource,
    readonly kind: CatalogKind<D, V>,
    private readonly open: (manager: EntityManager) => Tx = (manager) =>
      new CatalogTransaction(manager, kind) as Tx,
  ) {}

  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return dbCall(() => this.dataSource.transaction((manager) => work(this.open(manager))));
  }
}
