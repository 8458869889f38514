import type { DataSource } from "typeorm";
import type { AuditEventEntity } from "../entities/audit-event.entity.js";
import { dbCall, isConnectionError } from "../errors.js";
import { GroupCommit, type Outcome } from "../group-commit.js";
import { decodePageToken, encodePageToken, pageSize, toPage, type Page } from "../pagination/page-token.js";
import { PreparedStatements } from "./prepared.js";

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

/** {@link COLUMNS} one by one. */
const COLUMN_NAMES = COLUMNS.split(", ");

/** The columns as read from the row `a` of {@link insertAuditOfRunsSql}. */
const FROM_ROW = COLUMN_NAMES.map((column) => `a.${column}`).join(", ");

/** One event's values, in {@link COLUMNS}' order. */
const valuesOf = (event: NewAuditEvent): unknown[] => [
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

const INSERT_ONE = `INSERT INTO audit_events (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`;

/** Several events in one statement: one array per column, rows in the arrays' order. */
const INSERT_MANY = `INSERT INTO audit_events (${COLUMNS})
  SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                       $7::text[], $8::text[], $9::text[], $10::text[])`;

/** An event as a row keyed by column name, for a statement that takes rows as jsonb. */
export function auditRow(event: NewAuditEvent): Record<string, unknown> {
  const values = valuesOf(event);
  return Object.fromEntries(COLUMN_NAMES.map((column, i) => [column, values[i]]));
}

/** The key of an {@link auditRow} that names the run whose creation carries it. */
export const AUDIT_RUN_KEY = "__run_id";

/**
 * Inserts the events of jsonb array parameter `param` ({@link auditRow}s, each naming its run under
 * {@link AUDIT_RUN_KEY}) whose run the statement's CTE `run` inserted: a run's creation carries the
 * event of the call that created it (docs/adr/035), and a creation that inserts nothing (a repeated
 * request id) writes no event.
 */
export function insertAuditOfRunsSql(param: string): string {
  return `INSERT INTO audit_events (${COLUMNS})
       SELECT ${FROM_ROW}
         FROM jsonb_array_elements(${param}::jsonb) AS e(row),
              LATERAL jsonb_populate_record(NULL::audit_events, e.row) AS a
        WHERE (e.row->>'${AUDIT_RUN_KEY}')::uuid IN (SELECT id FROM run)`;
}

/** The `audit_events` table (docs/adr/022): append, and list newest first with filters. */
export class AuditStore {
  private readonly sql: PreparedStatements;
  /**
   * Appends share statements (group commit, as the run path's writes do: ADR 028): one made while
   * none is in flight goes out at once, alone; those made meanwhile go together in the next one.
   */
  private readonly appends: GroupCommit<NewAuditEvent, void>;

  constructor(private readonly dataSource: DataSource) {
    this.sql = new PreparedStatements(dataSource);
    this.appends = new GroupCommit((events) => this.insert(events));
  }

  /** Appends one event; resolves once it is committed. */
  async append(event: NewAuditEvent): Promise<void> {
    await this.appends.submit(event);
  }

  /**
   * Inserts a batch: a lone event by the single-row statement, several by one `unnest` statement.
   * When that statement fails for anything but an unreachable database, each event is tried again
   * alone, so only an event at fault fails its caller.
   */
  private async insert(events: readonly NewAuditEvent[]): Promise<ReadonlyArray<Outcome<void>>> {
    if (events.length > 1) {
      try {
        const columns = COLUMN_NAMES.map(() => [] as unknown[]);
        for (const event of events) valuesOf(event).forEach((value, i) => columns[i]!.push(value));
        await this.sql.rows(INSERT_MANY, columns);
        return events.map(() => ({ value: undefined }));
      } catch (err) {
        if (isConnectionError(err)) throw err;
      }
    }
    return Promise.all(
      events.map((event) =>
        this.sql.rows(INSERT_ONE, valuesOf(event)).then(
          () => ({ value: undefined }),
          (error: unknown) => ({ error }),
        ),
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
