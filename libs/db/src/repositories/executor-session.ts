import { Client, type ClientConfig, type Pool } from "pg";
import type { DataSource } from "typeorm";
import { dbCall } from "../errors.js";
import { EXECUTOR_SESSION_LOCK } from "./executor-sessions.js";

/** Options of {@link ExecutorSession}. */
export interface ExecutorSessionOptions {
  /** The executor's identity (`workflow_runs.owner`). */
  readonly owner: string;
  /** Wait between attempts to open the session again after its connection ended; default 250 ms. */
  readonly retryMs?: number;
  /** Told each time the session is lost (with why) or held again. */
  readonly onChange?: (held: boolean, err?: unknown) => void;
}

/**
 * An executor's liveness in PostgreSQL (ADR 024): a connection of its own on which it holds the
 * session-level advisory lock `(727002, lock_key)` named by its `executor_sessions` row, for as long
 * as it lives. When the process dies its socket closes, the server ends the session and frees the
 * lock, and the other executors (`ExecutorSessions`) take its runs over at once. A hung process keeps
 * its connection and its lock: the run lease still catches it. If the connection ends while the
 * executor lives, the session is opened again (same key) every `retryMs`; meanwhile the others may
 * take its runs over, which the runs' fences make safe.
 */
export class ExecutorSession {
  private readonly connection: ClientConfig;
  private readonly retryMs: number;
  private client: Client | undefined;
  private key: number | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    dataSource: DataSource,
    private readonly options: ExecutorSessionOptions,
  ) {
    const pool = (dataSource.driver as unknown as { master: Pool }).master;
    this.connection = { ...pool.options, application_name: "mcp-executor-session", keepAlive: true };
    this.retryMs = options.retryMs ?? 250;
  }

  /** True while the lock is held (the other executors see this one alive). */
  get held(): boolean {
    return this.client !== undefined;
  }

  /**
   * Opens the session: resolves once the lock is held and the row written. When that fails
   * (UNAVAILABLE when PostgreSQL cannot be reached) it rejects and keeps trying in the background,
   * telling `onChange(true)` once it succeeds.
   */
  async open(): Promise<void> {
    try {
      await dbCall(() => this.connect());
    } catch (err) {
      this.scheduleRetry();
      throw err;
    }
  }

  /** Ends the session: deletes its row, then closes the connection (which frees the lock). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    await client
      .query("DELETE FROM executor_sessions WHERE owner = $1", [this.options.owner])
      .catch(() => undefined);
    await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client(this.connection);
    // an error on an idle connection is followed by "end", handled below
    client.on("error", () => undefined);
    await client.connect();
    try {
      this.key ??= (
        await client.query<{ key: number }>("SELECT nextval('executor_session_keys')::int AS key")
      ).rows[0]!.key;
      const locked = await client.query<{ locked: boolean }>(
        "SELECT pg_try_advisory_lock($1, $2) AS locked",
        [EXECUTOR_SESSION_LOCK, this.key],
      );
      // only this executor's earlier session (its connection just ended) can still hold the key
      if (!locked.rows[0]?.locked) throw new Error(`executor session lock ${this.key} is still held`);
      await client.query(
        "INSERT INTO executor_sessions (owner, lock_key) VALUES ($1, $2) ON CONFLICT (owner) DO UPDATE SET lock_key = EXCLUDED.lock_key",
        [this.options.owner, this.key],
      );
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    client.once("end", () => this.lost(client));
    this.client = client;
  }

  private lost(client: Client, err?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.options.onChange?.(false, err);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed) return;
    this.retry = setTimeout(() => {
      this.connect().then(
        () => {
          if (this.client) this.options.onChange?.(true);
        },
        () => this.scheduleRetry(),
      );
    }, this.retryMs);
    this.retry.unref();
  }
}
