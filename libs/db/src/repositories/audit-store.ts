import type { DataSource } from "typeorm";
import type { AuditEventEntity } from "../entities/audit-event.entity.js";
import { dbCall, isConnectionError } from "../errors.js";
import { GroupCommit, type Outcome } from "../group-commit.js";
import { decodePageToken, encodePageToken, pageSize, toPage, type Page } from "../pagination/page-token.js";

/** An event to append; the store gives it its id. */
export type NewAuditEvent = Omit<AuditEventEntity, "id">;

/** Which events to list (every set field must match); always within one workspace. */
export interface AuditFilter {
  readonly workspace: string;
  readonly actor?: string;
  readonly method?: string;
  readonly target?: string;
  readonly outcome?: string;
  /** At or after. */
  readonly after?: Date;
  /** Strictly before. */
  readonly before?: Date;
}

interface AuditRow {
  id: string;
  event_time: Date;
  workspace: string;
  actor_kind: string;
  actor_id: string;
  actor: string;
  service: string;
  method: string;
  target: string;
  outcome: string;
  request_id: string;
}

const entity = (row: AuditRow): AuditEventEntity => ({
  id: String(row.id),
  eventTime: row.event_time,
  workspace: row.workspace,
  actorKind: row.actor_kind,
  actorId: row.actor_id,
  actor: row.actor,
  service: row.service,
  method: row.method,
  target: row.target,
  outcome: row.outcome,
  requestId: row.request_id,
});

const COLUMNS =
  "event_time, workspace, actor_kind, actor_id, actor, service, method, target, outcome, request_id";

/** An event's column values, in {@link COLUMNS}' order. */
const values = (event: NewAuditEvent): unknown[] => [
  event.eventTime,
  event.workspace,
  event.actorKind,
  event.actorId,
  event.actor,
  event.service,
  event.method,
  event.target,
  event.outcome,
  event.requestId,
];

const WRITTEN: Outcome<void> = { value: undefined };

/**
 * The `audit_events` table (docs/adr/022): append, and list newest first with filters. Appends made
 * while one is in flight go together in one multi-row INSERT (group commit, docs/adr/028): every
 * mutating call appends one event, so under load that is one statement per batch, not per call; a
 * lone append goes out at once.
 */
export class AuditStore {
  private readonly appends = new GroupCommit<NewAuditEvent, void>((batch) => this.insert(batch));

  constructor(private readonly dataSource: DataSource) {}

  /** Appends one event; resolves once it is committed. */
  append(event: NewAuditEvent): Promise<void> {
    return this.appends.submit(event);
  }

  /**
   * Inserts a batch in one statement. When PostgreSQL refuses it for what an event holds (not for
   * being unreachable), each event is tried alone, so only the one at fault fails.
   */
  private async insert(batch: readonly NewAuditEvent[]): Promise<ReadonlyArray<Outcome<void>>> {
    const [only] = batch;
    if (batch.length === 1 && only) return [await outcomeOf(this.insertRows([only]))];
    try {
      await this.insertRows(batch);
      return batch.map(() => WRITTEN);
    } catch (error) {
      if (isConnectionError(error)) return batch.map(() => ({ error }));
      return Promise.all(batch.map((event) => outcomeOf(this.insertRows([event]))));
    }
  }

  private async insertRows(events: readonly NewAuditEvent[]): Promise<void> {
    const width = COLUMNS.split(",").length;
    const rows = events.map(
      (_, r) => `(${Array.from({ length: width }, (__, c) => `$${r * width + c + 1}`).join(", ")})`,
    );
    await dbCall(() =>
      this.dataSource.query(
        `INSERT INTO audit_events (${COLUMNS}) VALUES ${rows.join(", ")}`,
        events.flatMap(values),
      ),
    );
  }

  /** One page of matching events, newest first, after the position `pageToken` holds. */
  async listPage(filter: AuditFilter, pageToken: string, size: number): Promise<Page<AuditEventEntity>> {
    const fingerprint = {
      ...filter,
      after: filter.after?.toISOString(),
      before: filter.before?.toISOString(),
    };
    const keyset = decodePageToken(pageToken, fingerprint);
    const limit = pageSize(size);
    const params: unknown[] = [filter.workspace];
    const where = ["workspace = $1"];
    const equal = (column: string, value: string | undefined) => {
      if (value === undefined || value === "") return;
      params.push(value);
      where.push(`${column} = $${params.length}`);
    };
    equal("actor", filter.actor);
    equal("method", filter.method);
    equal("target", filter.target);
    equal("outcome", filter.outcome);
    if (filter.after) {
      params.push(filter.after);
      where.push(`event_time >= $${params.length}`);
    }
    if (filter.before) {
      params.push(filter.before);
      where.push(`event_time < $${params.length}`);
    }
    if (keyset) {
      params.push(new Date(String(keyset[0])), String(keyset[1]));
      where.push(`(event_time, id) < ($${params.length - 1}, $${params.length}::bigint)`);
    }
    params.push(limit + 1);
    const rows = await dbCall(() =>
      this.dataSource.query<AuditRow[]>(
        `SELECT * FROM audit_events WHERE ${where.join(" AND ")}
         ORDER BY event_time DESC, id DESC LIMIT $${params.length}`,
        params,
      ),
    );
    return toPage(
      rows,
      limit,
      (last) => encodePageToken([last.event_time.toISOString(), String(last.id)], fingerprint),
      entity,
    );
  }
}

/** What a write came to, as a {@link GroupCommit} outcome. */
async function outcomeOf(write: Promise<void>): Promise<Outcome<void>> {
  try {
    await write;
    return WRITTEN;
  } catch (error) {
    return { error };
  }
}
