import type { DataSource, EntityMetadata } from "typeorm";
import { SecretEntity } from "../entities/secret.entity.js";
import { decodePageToken, encodePageToken, pageSize, toPage, type Page } from "../pagination/page-token.js";
import { columnValues, fromRow, setList } from "./entity-rows.js";
import { PreparedStatements } from "./prepared.js";

/** A sealed value as stored: which key sealed it, the nonce, and the ciphertext with its GCM tag. */
export interface SealedColumns {
  readonly keyId: string;
  readonly nonce: Buffer;
  readonly ciphertext: Buffer;
}

/** What a put changes on an existing secret (the value always; the description when given). */
export interface SecretChange extends SealedColumns {
  readonly valueVersion: number;
  readonly description?: string;
  readonly updatedBy: string | null;
}

/** A new secret's row; the store sets `rowVersion` and the timestamps. */
export type NewSecret = Omit<SecretEntity, "rowVersion" | "createdAt" | "updatedAt">;

/** Filter fingerprint of one workspace's secrets' page tokens (all its secrets by name). */
const listFilter = (workspace: string) => ({ list: "secrets", workspace });

/**
 * The `secrets` table, every secret in a workspace (docs/adr/021; key rotation alone spans them all).
 * Sees only sealed values. Writes are compare-and-set on `row_version`, in one
 * statement each (`UPDATE ... WHERE name = $1 AND row_version = $2`), so a caller learns from the
 * returned row (or its absence) whether it won; connection failures become UNAVAILABLE.
 */
export class SecretStore {
  private readonly sql: PreparedStatements;
  private readonly metadata: EntityMetadata;

  constructor(dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
    this.metadata = dataSource.getMetadata(SecretEntity);
  }

  /** The secret of `workspace` named `name` (case-sensitive), or undefined. */
  async get(workspace: string, name: string): Promise<SecretEntity | undefined> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      "SELECT * FROM secrets WHERE workspace = $1 AND name = $2",
      [workspace, name],
    );
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /** The secrets of `workspace` among `names` that exist, in no particular order. */
  async getMany(workspace: string, names: readonly string[]): Promise<SecretEntity[]> {
    if (names.length === 0) return [];
    const rows = await this.sql.rows<Record<string, unknown>>(
      "SELECT * FROM secrets WHERE workspace = $1 AND name = ANY($2::text[])",
      [workspace, [...names]],
    );
    return rows.map((row) => this.entity(row));
  }

  /**
   * One page of secrets ordered by name, after the position `pageToken` holds ("" = the first page).
   * `size` 0 means the default page size; a bad token is INVALID_ARGUMENT on `page_token`.
   */
  async listPage(workspace: string, pageToken: string, size: number): Promise<Page<SecretEntity>> {
    const after = decodePageToken(pageToken, listFilter(workspace))?.[0];
    const limit = pageSize(size);
    const rows =
      after === undefined
        ? await this.sql.rows<Record<string, unknown>>(
            "SELECT * FROM secrets WHERE workspace = $1 ORDER BY name LIMIT $2",
            [workspace, limit + 1],
          )
        : await this.sql.rows<Record<string, unknown>>(
            "SELECT * FROM secrets WHERE workspace = $1 AND name > $2 ORDER BY name LIMIT $3",
            [workspace, String(after), limit + 1],
          );
    return toPage(
      rows,
      limit,
      (last) => encodePageToken([String(last["name"])], listFilter(workspace)),
      (row) => this.entity(row),
    );
  }

  /** Inserts a new secret (row version 1); undefined when one with that name already exists. */
  async insert(secret: NewSecret): Promise<SecretEntity | undefined> {
    const params: unknown[] = [];
    const columns = columnValues(this.metadata, { ...secret, rowVersion: 1 }, params);
    columns.push(["created_at", "now()"], ["updated_at", "now()"]);
    const rows = await this.sql.rows<Record<string, unknown>>(
      `INSERT INTO secrets (${columns.map(([column]) => column).join(", ")})
       VALUES (${columns.map(([, value]) => value).join(", ")})
       ON CONFLICT (workspace, name) DO NOTHING RETURNING *`,
      params,
    );
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /**
   * Creates the secret, or gives an existing one the new sealed value, in one statement: value version
   * and row version + 1, the description replaced only when given, `updated_by` set. Concurrent upserts
   * of one name all land, one after the other (the last one wins).
   */
  async upsert(
    secret: Omit<NewSecret, "valueVersion" | "description"> & { readonly description?: string | undefined },
  ): Promise<{
    secret: SecretEntity;
    created: boolean;
  }> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `INSERT INTO secrets (name, description, value_version, key_id, nonce, ciphertext, row_version,
                            created_at, updated_at, created_by, updated_by, workspace)
       VALUES ($1, COALESCE($2::text, ''), 1, $3, $4, $5, 1, now(), now(), $6, $7, $8)
       ON CONFLICT (workspace, name) DO UPDATE SET
         description = COALESCE($2::text, secrets.description),
         value_version = secrets.value_version + 1,
         key_id = EXCLUDED.key_id, nonce = EXCLUDED.nonce, ciphertext = EXCLUDED.ciphertext,
         row_version = secrets.row_version + 1, updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING *, (xmax = 0) AS inserted`,
      [
        secret.name,
        secret.description ?? null,
        secret.keyId,
        secret.nonce,
        secret.ciphertext,
        secret.createdBy,
        secret.updatedBy,
        secret.workspace,
      ],
    );
    const row = rows[0];
    if (!row) throw new Error(`upsert of secret "${secret.name}" returned no row`);
    return { secret: this.entity(row), created: row["inserted"] === true };
  }

  /**
   * Sets a new value (and description, when given) if the row is still at `rowVersion`; bumps the row
   * version and `updated_at`. Undefined when the secret is gone or someone else wrote first.
   */
  async compareAndSet(
    workspace: string,
    name: string,
    rowVersion: number,
    change: SecretChange,
  ): Promise<SecretEntity | undefined> {
    const params: unknown[] = [name, rowVersion, workspace];
    const set = setList(this.metadata, change, params);
    const rows = await this.sql.rows<Record<string, unknown>>(
      `UPDATE secrets SET ${set.join(", ")}, row_version = row_version + 1, updated_at = now()
        WHERE name = $1 AND row_version = $2 AND workspace = $3 RETURNING *`,
      params,
    );
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /**
   * Replaces the sealed value of a secret still at `rowVersion` and sealed with `fromKeyId` by the
   * same value sealed anew (key rotation). Leaves the row version, etag and `updated_at` as they are:
   * neither the value nor the description changes. False when the row changed meanwhile.
   */
  async reseal(
    workspace: string,
    name: string,
    rowVersion: number,
    fromKeyId: string,
    sealed: SealedColumns,
  ): Promise<boolean> {
    const params: unknown[] = [name, rowVersion, fromKeyId, workspace];
    const set = setList(this.metadata, sealed, params);
    const rows = await this.sql.rows<{ name: string }>(
      `UPDATE secrets SET ${set.join(", ")}
        WHERE name = $1 AND row_version = $2 AND key_id = $3 AND workspace = $4 RETURNING name`,
      params,
    );
    return rows.length === 1;
  }

  /**
   * Deletes the secret, only if it is at `rowVersion` when that is given. True when a row was deleted;
   * false when there was none (or it was at another version).
   */
  async delete(workspace: string, name: string, rowVersion?: number): Promise<boolean> {
    const rows =
      rowVersion === undefined
        ? await this.sql.rows<{ name: string }>(
            "DELETE FROM secrets WHERE workspace = $1 AND name = $2 RETURNING name",
            [workspace, name],
          )
        : await this.sql.rows<{ name: string }>(
            "DELETE FROM secrets WHERE workspace = $1 AND name = $2 AND row_version = $3 RETURNING name",
            [workspace, name, rowVersion],
          );
    return rows.length === 1;
  }

  /**
   * Up to `limit` secrets of every workspace NOT sealed with `keyId` (key rotation), ordered by
   * (workspace, name), after `after` when given.
   */
  async listSealedWithOtherKey(
    keyId: string,
    after: readonly [string, string] | undefined,
    limit: number,
  ): Promise<SecretEntity[]> {
    const rows =
      after === undefined
        ? await this.sql.rows<Record<string, unknown>>(
            "SELECT * FROM secrets WHERE key_id <> $1 ORDER BY workspace, name LIMIT $2",
            [keyId, limit],
          )
        : await this.sql.rows<Record<string, unknown>>(
            "SELECT * FROM secrets WHERE key_id <> $1 AND (workspace, name) > ($2, $3) ORDER BY workspace, name LIMIT $4",
            [keyId, after[0], after[1], limit],
          );
    return rows.map((row) => this.entity(row));
  }

  private entity(row: Record<string, unknown>): SecretEntity {
    return fromRow<SecretEntity>(this.metadata, row);
  }
}
