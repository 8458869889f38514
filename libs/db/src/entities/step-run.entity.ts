import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from "typeorm";
import { WorkflowRunEntity } from "./workflow-run.entity.js";
import type { JsonObject } from "./mcp-version.entity.js";

/** Lower-case step status names as stored. */
export type StepStatusName =
  "pending" | "running" | "succeeded" | "failed" | "skipped" | "cancelled" | "retrying" | "waiting";

/**
 * One step of a run (the latest attempt; `attempt` counts them). A tool call made by an
 * `ai_assistant` step, and each item of a `for_each` step (`itemIndex`), is a child step run
 * (`parentStepRunId`).
 */
@Entity({ name: "step_runs" })
@Index("step_runs_by_run", ["runId", "position"])
@Index("step_runs_unique_step", ["runId", "stepId"], { unique: true })
export class StepRunEntity {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  @Column({ type: "uuid", name: "run_id" })
  runId!: string;

  @ManyToOne(() => WorkflowRunEntity, { onDelete: "CASCADE" })
  @JoinColumn({ name: "run_id" })
  run?: WorkflowRunEntity;

  @Column({ type: "text", name: "step_id" })
  stepId!: string;

  /** Declared order of the step in the workflow (children after their parent). */
  @Column({ type: "integer", default: 0 })
  position!: number;

  @Column({ type: "uuid", name: "parent_step_run_id", nullable: true })
  parentStepRunId!: string | null;

  @Column({ type: "uuid", name: "mcp_id", nullable: true })
  mcpId!: string | null;

  @Column({ type: "text", name: "mcp_name", nullable: true })
  mcpName!: string | null;

  @Column({ type: "integer", name: "mcp_version", nullable: true })
  mcpVersion!: number | null;

  /** Lower-case MCP type name. */
  @Column({ type: "text", name: "mcp_type", nullable: true })
  mcpType!: string | null;

  @Column({ type: "text" })
  status!: StepStatusName;

  /** 1 for the first attempt; retries increment it. */
  @Column({ type: "integer", default: 0 })
  attempt!: number;

  @Column({ type: "jsonb", nullable: true })
  inputs!: JsonObject | null;

  @Column({ type: "jsonb", nullable: true })
  outputs!: JsonObject | null;

  @Column({ type: "jsonb", nullable: true })
  error!: JsonObject | null;

  /** Captured standard output, capped. */
  @Column({ type: "text", default: "" })
  stdout!: string;

  @Column({ type: "text", default: "" })
  stderr!: string;

  @Column({ type: "boolean", name: "stdout_truncated", default: false })
  stdoutTruncated!: boolean;

  @Column({ type: "boolean", name: "stderr_truncated", default: false })
  stderrTruncated!: boolean;

  /** Token usage and other runner facts, e.g. `{input_tokens, output_tokens}`. */
  @Column({ type: "jsonb", nullable: true })
  usage!: JsonObject | null;

  /** What the step does: `mcp`, `sleep`, `wait_for_signal` or `approval`; null = an MCP call (older runs). */
  @Column({ type: "text", nullable: true })
  kind!: string | null;

  /** While `waiting`: when the sleep ends or the wait gives up (null = no limit). Kept once decided. */
  @Column({ type: "timestamptz", name: "wake_at", nullable: true })
  wakeAt!: Date | null;

  /** A `wait_for_signal` step's signal name. */
  @Column({ type: "text", nullable: true })
  signal!: string | null;

  /**
   * An `approval` step's `{prompt}` and, once decided (even before the step waits),
   * `{decided: true, approved, decided_by, comment, decided_at}`.
   */
  @Column({ type: "jsonb", nullable: true })
  approval!: JsonObject | null;

  @Column({ type: "timestamptz", name: "started_at", nullable: true })
  startedAt!: Date | null;

  @Column({ type: "timestamptz", name: "finished_at", nullable: true })
  finishedAt!: Date | null;

  @Column({ type: "integer", name: "duration_ms", nullable: true })
  durationMs!: number | null;

  /** For one item of a `for_each` step (a child row): the item's 0-based index in the list. */
  @Column({ type: "integer", name: "item_index", nullable: true })
  itemIndex!: number | null;

  /** For a `for_each` step: how many items its list has, once read. */
  @Column({ type: "integer", name: "item_count", nullable: true })
  itemCount!: number | null;

  /** For a `workflow` step: the child run of its latest attempt. */
  @Column({ type: "uuid", name: "child_run_id", nullable: true })
  childRunId!: string | null;

  @Column({ type: "timestamptz", name: "updated_at" })
  updatedAt!: Date;
}
