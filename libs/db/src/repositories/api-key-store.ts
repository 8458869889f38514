import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from "@mcp/errors";
import { IsNull, type DataSource, type Repository } from "typeorm";
import { ApiKeyEntity } from "../entities/api-key.entity.js";
import { dbCall, uniqueViolation } from "../errors.js";

/** A new key's row; the caller generates the id and hashes the secret. */
export interface NewApiKey {
  readonly id: string;
  readonly name: string;
  readonly secretHash: string;
  /** `viewer`, `editor`, `operator` or `admin`. */
  readonly role: string;
  /** The workspace the key acts in (default `default`), or `*` for every workspace (service keys). */
  readonly workspace?: string;
}

/** The `api_keys` table: create, find, list, revoke, touch. Never sees a key's secret. */
export class ApiKeyStore {
  private readonly repo: Repository<ApiKeyEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(ApiKeyEntity);
  }

  /** Inserts a key; ALREADY_EXISTS when a live key of its workspace already has the name. */
  async create(key: NewApiKey): Promise<ApiKeyEntity> {
    const row = this.repo.create({
      ...key,
      workspace: key.workspace ?? "default",
      scopes: [],
      createdAt: new Date(),
      revokedAt: null,
      lastUsedAt: null,
    });
    try {
      return await dbCall(() => this.repo.save(row));
    } catch (err) {
      if (uniqueViolation(err) === "api_keys_live_name") throw new AlreadyExistsError("api key", key.name);
      throw err;
    }
  }

  /** The key with this id (live or revoked), or undefined. */
  async find(id: string): Promise<ApiKeyEntity | undefined> {
    return (await dbCall(() => this.repo.findOneBy({ id }))) ?? undefined;
  }

  /** Every key, oldest first (revoked ones too, unless `liveOnly`; of one workspace when `workspace`). */
  list(options: { liveOnly?: boolean; workspace?: string } = {}): Promise<ApiKeyEntity[]> {
    return dbCall(() =>
      this.repo.find({
        where: {
          ...(options.liveOnly ? { revokedAt: IsNull() } : {}),
          ...(options.workspace ? { workspace: options.workspace } : {}),
        },
        order: { createdAt: "ASC", id: "ASC" },
      }),
    );
  }

  /**
   * Revokes the live key with this id, or with this name in `workspace` (names are unique per
   * workspace, docs/adr/021). A name given without a workspace must be live in only one workspace:
   * FAILED_PRECONDITION (`AMBIGUOUS_KEY_NAME`) names them otherwise, and nothing is revoked.
   * NOT_FOUND when there is no such live key. Returns the revoked key.
   */
  async revoke(idOrName: string, workspace?: string): Promise<ApiKeyEntity> {
    const live = await dbCall(() =>
      this.repo.find({
        where: [
          { id: idOrName, revokedAt: IsNull() },
          { name: idOrName, revokedAt: IsNull(), ...(workspace === undefined ? {} : { workspace }) },
        ],
        order: { createdAt: "ASC", id: "ASC" },
      }),
    );
    const byId = live.find((row) => row.id === idOrName);
    const target = byId ?? (live.length === 1 ? live[0] : undefined);
    if (!target && live.length > 1) {
      const workspaces = [...new Set(live.map((row) => row.workspace))].sort();
      throw new FailedPreconditionError(
        `a live API key named "${idOrName}" exists in ${live.length} workspaces (${workspaces.join(", ")}): name the workspace or give the key's id`,
        "AMBIGUOUS_KEY_NAME",
        { name: idOrName, workspaces: workspaces.join(",") },
      );
    }
    if (!target) {
      throw new NotFoundError("api key", workspace === undefined ? idOrName : `${workspace}/${idOrName}`);
    }
    await dbCall(() =>
      this.repo
        .createQueryBuilder()
        .update()
        .set({ revokedAt: () => "now()" })
        .where("id = :id AND revoked_at IS NULL", { id: target.id })
        .execute(),
    );
    const row = await this.find(target.id);
    if (!row) throw new NotFoundError("api key", idOrName);
    return row;
  }

  /** Records that the key was used now. */
  async touch(id: string): Promise<void> {
    await dbCall(() => this.repo.update({ id }, { lastUsedAt: new Date() }));
  }
}
