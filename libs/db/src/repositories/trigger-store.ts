import type { DataSource, EntityMetadata } from "typeorm";
import { WebhookTriggerEntity } from "../entities/webhook-trigger.entity.js";
import { decodePageToken, encodePageToken, pageSize, toPage, type Page } from "../pagination/page-token.js";
import { columnValues, fromRow, setList } from "./entity-rows.js";
import { PreparedStatements } from "./prepared.js";
import type { SealedColumns } from "./secret-store.js";

/** A new trigger's row; the store sets the timestamps. */
export type NewTrigger = Omit<WebhookTriggerEntity, "createdAt" | "secretAt">;

/** Filter fingerprint of the triggers' page tokens (there is no filter: all triggers by name). */
const LIST_FILTER = { list: "webhook_triggers" };

/**
 * The `webhook_triggers` table. Sees only sealed secrets. One statement per call; connection failures
 * become UNAVAILABLE.
 */
export class TriggerStore {
  private readonly sql: PreparedStatements;
  private readonly metadata: EntityMetadata;

  constructor(dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
    this.metadata = dataSource.getMetadata(WebhookTriggerEntity);
  }

  /** The trigger of `workspace` named `name`, or undefined. */
  async get(workspace: string, name: string): Promise<WebhookTriggerEntity | undefined> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      "SELECT * FROM webhook_triggers WHERE workspace = $1 AND name = $2",
      [workspace, name],
    );
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /** One page of triggers ordered by name, after the position `pageToken` holds ("" = the first page). */
  async listPage(workspace: string, pageToken: string, size: number): Promise<Page<WebhookTriggerEntity>> {
    const filter = { ...LIST_FILTER, workspace };
    const after = decodePageToken(pageToken, filter)?.[0];
    const limit = pageSize(size);
    const rows =
      after === undefined
        ? await this.sql.rows<Record<string, unknown>>(
            "SELECT * FROM webhook_triggers WHERE workspace = $1 ORDER BY name LIMIT $2",
            [workspace, limit + 1],
          )
        : await this.sql.rows<Record<string, unknown>>(
            "SELECT * FROM webhook_triggers WHERE workspace = $1 AND name > $2 ORDER BY name LIMIT $3",
            [workspace, String(after), limit + 1],
          );
    return toPage(
      rows,
      limit,
      (last) => encodePageToken([String(last["name"])], filter),
      (row) => this.entity(row),
    );
  }

  /** Inserts a new trigger; undefined when one with that name already exists. */
  async insert(trigger: NewTrigger): Promise<WebhookTriggerEntity | undefined> {
    const params: unknown[] = [];
    const columns = columnValues(this.metadata, trigger, params);
    columns.push(["created_at", "now()"], ["secret_at", "now()"]);
    const rows = await this.sql.rows<Record<string, unknown>>(
      `INSERT INTO webhook_triggers (${columns.map(([column]) => column).join(", ")})
       VALUES (${columns.map(([, value]) => value).join(", ")})
       ON CONFLICT (workspace, name) DO NOTHING RETURNING *`,
      params,
    );
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /** Replaces the trigger's sealed secret (a rotation); undefined when there is no such trigger. */
  async reseal(
    workspace: string,
    name: string,
    sealed: SealedColumns,
  ): Promise<WebhookTriggerEntity | undefined> {
    const params: unknown[] = [name, workspace];
    const set = setList(this.metadata, sealed, params);
    const rows = await this.sql.rows<Record<string, unknown>>(
      `UPDATE webhook_triggers SET ${set.join(", ")}, secret_at = now()
        WHERE name = $1 AND workspace = $2 RETURNING *`,
      params,
    );
    return rows[0] ? this.entity(rows[0]) : undefined;
  }

  /**
   * Up to `limit` triggers of every workspace whose secret is NOT sealed with `keyId`, by id, after
   * the id `afterId` when given (key rotation).
   */
  async listSealedWithOtherKey(
    keyId: string,
    afterId: string | undefined,
    limit: number,
  ): Promise<WebhookTriggerEntity[]> {
    const rows = await this.sql.rows<Record<string, unknown>>(
      `SELECT * FROM webhook_triggers WHERE key_id <> $1 AND ($2::uuid IS NULL OR id > $2::uuid)
        ORDER BY id LIMIT $3`,
      [keyId, afterId ?? null, limit],
    );
    return rows.map((row) => this.entity(row));
  }

  /**
   * Replaces the sealed secret of trigger `id` by the same secret sealed anew (a SECRETS_KEY rotation),
   * only while it is still sealed with `fromKeyId`; `secret_at` stays (the secret did not change).
   * False when the row changed meanwhile (its secret was rotated, or it was deleted).
   */
  async resealFrom(id: string, fromKeyId: string, sealed: SealedColumns): Promise<boolean> {
    const params: unknown[] = [id, fromKeyId];
    const set = setList(this.metadata, sealed, params);
    const rows = await this.sql.rows<{ id: string }>(
      `UPDATE webhook_triggers SET ${set.join(", ")} WHERE id = $1 AND key_id = $2 RETURNING id`,
      params,
    );
    return rows.length === 1;
  }

  /** Deletes the trigger of `workspace`; false when there was none. */
  async delete(workspace: string, name: string): Promise<boolean> {
    const rows = await this.sql.rows<{ name: string }>(
      "DELETE FROM webhook_triggers WHERE workspace = $1 AND name = $2 RETURNING name",
      [workspace, name],
    );
    return rows.length === 1;
  }

  private entity(row: Record<string, unknown>): WebhookTriggerEntity {
    return fromRow<WebhookTriggerEntity>(this.metadata, row);
  }
}
