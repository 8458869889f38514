import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { JsonObject } from "./mcp-version.entity.js";

/** Lower-case run status names as stored. */
export type RunStatusName =
  "pending" | "running" | "succeeded" | "failed" | "partially_succeeded" | "cancelled";

/**
 * One run of a workflow (or of a single MCP, `kind = 'mcp'`). The owner/lease/fence columns make
 * exactly one executor drive it: a claim bumps `fence`, and every write checks the fence it holds.
 * A run in a final status is counted in the dashboard's rollup `run_stats_hourly` by triggers
 * (migration 1768800000000, docs/adr/027-run-stats-rollup.md), whichever statement ends or deletes it.
 */
@Entity({ name: "workflow_runs" })
@Index("workflow_runs_request_id", ["workspace", "requestId"], {
  unique: true,
  where: "request_id IS NOT NULL",
})
@Index("workflow_runs_claimable", ["status", "leaseExpiresAt"])
@Index("workflow_runs_by_workflow", ["workflowId", "createdAt", "id"])
@Index("workflow_runs_by_status", ["workspace", "status", "createdAt", "id"])
@Index("workflow_runs_by_time", ["workspace", "createdAt", "id"])
@Index("workflow_runs_wake", ["wakeAt"], { where: "wake_at IS NOT NULL" })
@Index("workflow_runs_children", ["parentRunId"], { where: "parent_step_id IS NOT NULL" })
@Index("workflow_runs_by_parent", ["parentRunId"], { where: "parent_run_id IS NOT NULL" })
@Index("workflow_runs_finished", ["finishedAt"], {
  where: "status IN ('succeeded', 'failed', 'partially_succeeded', 'cancelled')",
})
@Index("workflow_runs_by_schedule", ["scheduleId", "status"], { where: "schedule_id IS NOT NULL" })
@Index("workflow_runs_by_concurrency_key", ["workflowId", "concurrencyKey", "createdAt", "id"], {
  where: "concurrency_key IS NOT NULL AND status IN ('pending', 'running')",
})
export class WorkflowRunEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  /** The workspace the row belongs to (docs/adr/021). */
  @Column({ type: "text", default: "default" })
  workspace!: string;

  /** `workflow` or `mcp`. */
  @Column({ type: "text" })
  kind!: string;

  @Column({ type: "uuid", name: "workflow_id", nullable: true })
  workflowId!: string | null;

  @Column({ type: "text", name: "workflow_name", nullable: true })
  workflowName!: string | null;

  @Column({ type: "integer", name: "workflow_version", nullable: true })
  workflowVersion!: number | null;

  @Column({ type: "uuid", name: "mcp_id", nullable: true })
  mcpId!: string | null;

  @Column({ type: "text", name: "mcp_name", nullable: true })
  mcpName!: string | null;

  @Column({ type: "integer", name: "mcp_version", nullable: true })
  mcpVersion!: number | null;

  @Column({ type: "text" })
  status!: RunStatusName;

  @Column({ type: "jsonb", default: {} })
  inputs!: JsonObject;

  @Column({ type: "jsonb", nullable: true })
  outputs!: JsonObject | null;

  /** `{code, message, step_id, details}` when the run failed. */
  @Column({ type: "jsonb", nullable: true })
  error!: JsonObject | null;

  /** The caller's idempotency key; a second ExecuteWorkflow with it returns this run. */
  @Column({ type: "text", name: "request_id", nullable: true })
  requestId!: string | null;

  /**
   * What the run was pinned to at start: the workflow spec and every step's resolved MCP version
   * (and config), so later edits never change it.
   */
  @Column({ type: "jsonb", nullable: true })
  plan!: JsonObject | null;

  /** The executor currently driving the run; null when unclaimed. */
  @Column({ type: "text", nullable: true })
  owner!: string | null;

  @Column({ type: "timestamptz", name: "lease_expires_at", nullable: true })
  leaseExpiresAt!: Date | null;

  /** Fencing token: incremented on every claim; writes carry the value they claimed with. */
  @Column({ type: "bigint", default: 0 })
  fence!: string;

  /**
   * Claims of this run that took it from an owner whose lease had expired (a crashed or stalled
   * executor) since a step last finished; the executor ends a run that reaches its limit
   * (EXECUTOR_MAX_RECOVERIES) with RECOVERY_LIMIT instead of running it again.
   */
  @Column({ type: "integer", default: 0 })
  recoveries!: number;

  /** Why the last executor that drove the run gave it up, when it could say (RECOVERY_LIMIT quotes it). */
  @Column({ type: "text", name: "last_driver_error", nullable: true })
  lastDriverError!: string | null;

  /**
   * Set while the run is parked (a `sleep`, `wait_for_signal` or `approval` step waits; owner null): it
   * is claimable again from then on ('infinity' = only a signal, a decision or a cancel wakes it).
   * SignalRun and DecideApproval set it to now to wake the run; a claim clears it.
   */
  @Column({ type: "timestamptz", name: "wake_at", nullable: true })
  wakeAt!: Date | null;

  /** Last event sequence number published for this run (WatchRun ordering). */
  @Column({ type: "bigint", name: "event_seq", default: 0 })
  eventSeq!: string;

  /** The run this one is the fallback of, or the sub-workflow of (then `parentStepId` is set). */
  @Column({ type: "uuid", name: "parent_run_id", nullable: true })
  parentRunId!: string | null;

  /**
   * For a sub-workflow run: the parent run's step that runs it. Reaching a final status wakes the
   * parent (trigger `workflow_runs_wake_parent`, migration 1767400000000).
   */
  @Column({ type: "text", name: "parent_step_id", nullable: true })
  parentStepId!: string | null;

  /** The webhook trigger whose delivery started this run (`webhook_triggers.name` then); null otherwise. */
  @Column({ type: "text", name: "trigger_name", nullable: true })
  triggerName!: string | null;

  /** The delivery id the webhook's sender gave, when a trigger started the run with one. */
  @Column({ type: "text", name: "trigger_delivery_id", nullable: true })
  triggerDeliveryId!: string | null;
  /** The schedule whose tick started this run (migration 1767500000000); null otherwise. */
  @Column({ type: "uuid", name: "schedule_id", nullable: true })
  scheduleId!: string | null;

  /** That tick: a fire time of the schedule's expression, or when TriggerSchedule was called. */
  @Column({ type: "timestamptz", name: "schedule_tick_at", nullable: true })
  scheduleTickAt!: Date | null;

  /**
   * The run's concurrency key (the workflow's `concurrency_key` over its inputs); null = none. A run
   * inserted while another of its workflow and key is live is queued (pending, `wake_at` 'infinity')
   * and woken when the runs before it ended (triggers, migration 1767800000000).
   */
  @Column({ type: "text", name: "concurrency_key", nullable: true })
  concurrencyKey!: string | null;

  /**
   * The run's trace: a W3C `traceparent` (migration 1768700000000) naming the span the run was
   * started under (the ExecuteWorkflow call, the parent's step, or a fresh root), so every executor
   * that drives it, after a failover too, records its spans in that one trace. Null for runs recorded
   * before traces existed.
   */
  @Column({ type: "text", name: "trace_parent", nullable: true })
  traceParent!: string | null;

  /** The fallback run started after this one failed. */
  @Column({ type: "uuid", name: "fallback_run_id", nullable: true })
  fallbackRunId!: string | null;

  /** Set when someone asked to cancel; the owner stops the run. */
  @Column({ type: "timestamptz", name: "cancel_requested_at", nullable: true })
  cancelRequestedAt!: Date | null;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;

  @Column({ type: "timestamptz", name: "started_at", nullable: true })
  startedAt!: Date | null;

  @Column({ type: "timestamptz", name: "finished_at", nullable: true })
  finishedAt!: Date | null;

  @Column({ type: "timestamptz", name: "updated_at" })
  updatedAt!: Date;
}
