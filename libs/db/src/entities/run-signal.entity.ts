import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from "typeorm";
import { WorkflowRunEntity } from "./workflow-run.entity.js";
import type { JsonValue } from "./mcp-version.entity.js";

/**
 * A signal sent to a run (SignalRun), kept until a `wait_for_signal` step of that name receives it:
 * each once, in the order sent (`id`). Idempotent per run by `request_id`.
 */
@Entity({ name: "run_signals" })
@Index("run_signals_request_id", ["runId", "requestId"], { unique: true, where: "request_id IS NOT NULL" })
@Index("run_signals_by_name", ["runId", "signal", "id"])
export class RunSignalEntity {
  /** Send order. */
  @PrimaryGeneratedColumn({ type: "bigint" })
  id!: string;

  @Column({ type: "uuid", name: "run_id" })
  runId!: string;

  @ManyToOne(() => WorkflowRunEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "run_id" })
  run?: WorkflowRunEntity;

  @Column({ type: "text" })
  signal!: string;

  /** What the receiving step outputs as `payload`. */
  @Column({ type: "jsonb", nullable: true })
  payload!: JsonValue | null;

  /** The sender's idempotency key, unique per run; null = none. */
  @Column({ type: "text", name: "request_id", nullable: true })
  requestId!: string | null;

  /** Who sent it (the API key's principal, `anonymous` when API keys are off). */
  @Column({ type: "text", name: "sent_by" })
  sentBy!: string;

  @Column({ type: "timestamptz", name: "created_at", default: () => "now()" })
  createdAt!: Date;

  /** The step that received it; null while it waits for one. */
  @Column({ type: "text", name: "consumed_by_step", nullable: true })
  consumedByStep!: string | null;

  @Column({ type: "timestamptz", name: "consumed_at", nullable: true })
  consumedAt!: Date | null;
}
