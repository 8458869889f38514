import type { DataSource, EntityMetadata } from "typeorm";
import { StepRunEntity } from "../entities/step-run.entity.js";
import { WorkflowRunEntity } from "../entities/workflow-run.entity.js";
import { columnValues, fromJsonRow, fromRow, setList, toColumns } from "./entity-rows.js";
import { PreparedStatements } from "./prepared.js";
import { stepRow, type StepRowInit } from "./step-row.js";
import { FenceLostError } from "./run-store.js";
import { aloneOnFailure, GroupCommit, type Outcome } from "../group-commit.js";
import { StepWriteBatch, type StepPatch, type StepWrite, type WrittenSteps } from "./step-write-batch.js";
import {
  RunWriteBatch,
  type RunPatch,
  type RunWrite,
  type RunWritten,
  type StepsOfEnd,
} from "./run-write-batch.js";
import { runWithStepsOf, stepsOfRun } from "./run-with-steps.js";

export type { StepPatch, WrittenSteps } from "./step-write-batch.js";
export type { RunPatch, RunWritten, StepsOfEnd } from "./run-write-batch.js";
export type { RunWithSteps } from "./run-with-steps.js";

/**
 * The run driver's writes, each ONE statement (a single round trip, atomic on its own): the first
 * CTE bumps the run's event sequence only `WHERE fence = <ours>`, and the row changes join on it,
 * so a driver that lost the run writes nothing and gets {@link FenceLostError}. The UPDATE of the
 * run row also serialises the writes of one run (its row lock), as `SELECT … FOR UPDATE` did.
 * Step transitions and run ends go with group commit (docs/adr/028): one statement carries the
 * writes of every run made while the previous one was in flight, each checked against its own
 * fence; one instance per executor, so that its runs share the batches.
 */
export class FencedWrites {
  private readonly steps: EntityMetadata;
  private readonly runs: EntityMetadata;

  private readonly sql: PreparedStatements;
  private readonly stepWrites: GroupCommit<StepWrite, WrittenSteps>;
  private readonly runWrites: GroupCommit<RunWrite, RunWritten>;
  private readonly stepBatch: StepWriteBatch;
  private readonly runBatch: RunWriteBatch;

  constructor(dataSource: DataSource) {
    this.steps = dataSource.getMetadata(StepRunEntity);
    this.runs = dataSource.getMetadata(WorkflowRunEntity);
    this.sql = new PreparedStatements(dataSource);
    const stepBatch = new StepWriteBatch(this.steps, this.sql);
    this.stepBatch = stepBatch;
    this.runBatch = new RunWriteBatch(this.runs, this.steps, this.sql);
    // A lone write goes as the compact statement naming only its columns; the batch statement only
    // for two writes or more. Both are served from PostgreSQL's cached generic plan once each
    // connection has made its five custom plans of them (docs/adr/029).
    // Two writes of one row never share a statement (they commit in the order made).
    this.stepWrites = new GroupCommit(
      aloneOnFailure((writes) =>
        writes.length === 1 ? alone(() => this.stepWriteAlone(writes[0]!)) : stepBatch.commit(writes),
      ),
      { keys: (write) => write.stepIds.map((stepId) => `${write.runId}/${stepId}`) },
    );
    this.runWrites = new GroupCommit(
      aloneOnFailure((writes) =>
        writes.length === 1 ? alone(() => this.runWriteAlone(writes[0]!)) : this.runEnds(writes),
      ),
      { keys: (write) => [write.runId] },
    );
  }

  /**
   * Applies `patch` to the named top-level or child steps. With `finishedAt` in the patch and no
   * `durationMs`, the duration is taken from each row's recorded start. Written with group commit
   * (docs/adr/028): alone when no other step write is in flight, else in one statement with the
   * other runs' writes made meanwhile; resolves once committed, with this write's own outcome.
   */
  updateSteps(
    runId: string,
    fence: string,
    stepIds: readonly string[],
    patch: StepPatch,
  ): Promise<WrittenSteps> {
    return this.stepWrites.submit({ runId, fence, stepIds, patch });
  }

  /** One step write in its own statement (see {@link updateSteps}; the batch does the same for many). */
  private stepWriteAlone({ runId, fence, stepIds, patch }: StepWrite): Promise<WrittenSteps> {
    const params: unknown[] = [runId, fence];
    const named = stepsNamed(stepIds, params);
    const sets = this.stepSets(patch, params);
    const finishes = finishesStep(patch);
    // a step ending otherwise than succeeded closes its items still open (a sub-workflow for_each
    // cancelled or timed out while its items wait on their child runs): they end with it
    const closes = patch.status === "failed" || patch.status === "cancelled" || patch.status === "skipped";
    const items = closes
      ? `, items AS (UPDATE step_runs c
                        SET status = 'cancelled', finished_at = now(), updated_at = now(),
                            error = jsonb_build_object('code', 'CANCELLED', 'message',
                                      'the step ended ' || step.status || ' before this item did')
                       FROM step WHERE c.run_id = $1 AND c.parent_step_run_id = step.id
                        AND c.item_index IS NOT NULL AND c.status IN ('pending', 'running', 'retrying', 'waiting')
                     RETURNING c.*)`
      : "";
    return this.written(
      runId,
      fence,
      `WITH run AS (${finishes ? bumpSeqProgress : bumpSeq}),
            step AS (UPDATE step_runs s SET ${sets.join(", ")}
                       FROM run WHERE s.run_id = $1 AND ${named}
                     RETURNING s.*)${items}
       SELECT run.event_seq AS "__seq", changed.*
         FROM run LEFT JOIN (SELECT * FROM step${closes ? " UNION ALL SELECT * FROM items" : ""}) changed ON true`,
      params,
    );
  }

  /**
   * The SET list of a step write of `patch` to rows `s` (values pushed onto `params`). With
   * `finishedAt` and no `durationMs`, the duration is taken from each row's recorded start.
   */
  private stepSets(patch: StepPatch, params: unknown[]): string[] {
    const sets = setList(this.steps, { ...patch, updatedAt: patch.updatedAt ?? new Date() }, params);
    if (patch.finishedAt && patch.durationMs === undefined) {
      params.push(patch.finishedAt);
      sets.push(
        `duration_ms = CASE WHEN s.started_at IS NULL THEN NULL
                            ELSE round(extract(epoch FROM ($${params.length}::timestamptz - s.started_at)) * 1000)::int END`,
      );
    }
    return sets;
  }

  /** One run write in its own statement (see {@link updateRun}; with `read` or `steps`, {@link endRun}). */
  private async runWriteAlone(write: RunWrite): Promise<RunWritten> {
    if (write.steps) return this.runEndWithSteps(write, write.steps);
    const { runId, fence, patch, read } = write;
    const params: unknown[] = [runId, fence];
    const sets = setList(this.runs, { ...patch, updatedAt: new Date() }, params);
    const update = `UPDATE workflow_runs SET ${[...sets, "event_seq = event_seq + 1"].join(", ")}
                     WHERE id = $1 AND fence = $2`;
    const rows = await this.sql.rows<Record<string, unknown>>(
      read
        ? `WITH run AS (${update} RETURNING *) SELECT run.*, ${stepsOfRun("run")} FROM run`
        : `WITH run AS (${update} RETURNING event_seq) SELECT event_seq FROM run`,
      params,
    );
    const row = rows[0];
    if (row === undefined) throw new FenceLostError(runId, fence);
    const seq = String(row["event_seq"]);
    return read ? { seq, ended: runWithStepsOf(this.runs, this.steps, row) } : { seq };
  }

  /**
   * A run's end and its last step transition in ONE statement (docs/adr/031): the run row takes two
   * event sequence numbers (the steps' first, then the end's), its steps are updated only when its
   * fence held, and a read sees the steps as this statement leaves them.
   */
  private async runEndWithSteps(
    { runId, fence, patch, read }: RunWrite,
    steps: StepsOfEnd,
  ): Promise<RunWritten> {
    const params: unknown[] = [runId, fence];
    const named = stepsNamed(steps.stepIds, params);
    const stepSets = this.stepSets(steps.patch, params);
    const runSets = setList(this.runs, { ...patch, updatedAt: new Date() }, params);
    runSets.push("event_seq = event_seq + 2");
    if (finishesStep(steps.patch)) runSets.push("recoveries = 0");
    const rows = await this.sql.rows<Record<string, unknown>>(
      `WITH run AS (UPDATE workflow_runs SET ${runSets.join(", ")}
                     WHERE id = $1 AND fence = $2 RETURNING ${read ? "*" : "id, event_seq"}),
            step AS (UPDATE step_runs s SET ${stepSets.join(", ")}
                       FROM run WHERE s.run_id = $1 AND ${named}
                     RETURNING s.*)
       SELECT ${read ? "run.*" : "run.event_seq"}, (SELECT json_agg(step) FROM step) AS "__written"
              ${read ? `, ${stepsOfRun("run", undefined, "step")}` : ""}
         FROM run`,
      params,
    );
    const row = rows[0];
    if (row === undefined) throw new FenceLostError(runId, fence);
    const seq = String(row["event_seq"]);
    const written = (row["__written"] as Record<string, unknown>[] | null) ?? [];
    return {
      seq,
      steps: {
        seq: String(BigInt(seq) - 1n),
        rows: written.map((step) => fromJsonRow<StepRunEntity>(this.steps, step)),
      },
      ...(read ? { ended: runWithStepsOf(this.runs, this.steps, row) } : {}),
    };
  }

  /**
   * Inserts a child step row (`stepRow` defaults for what `child` leaves out) under the step
   * `parentStepId`, at the parent's position.
   */
  async insertChild(
    runId: string,
    fence: string,
    parentStepId: string,
    child: Omit<StepRowInit, "runId" | "position" | "parentStepRunId">,
  ): Promise<WrittenSteps> {
    const params: unknown[] = [runId, fence, parentStepId];
    // run_id, position and parent_step_run_id come from the parent row
    const {
      runId: _run,
      position: _position,
      parentStepRunId: _parent,
      ...row
    } = stepRow({
      ...child,
      runId,
      position: 0,
    });
    const pairs = columnValues(this.steps, row, params);
    const columns = pairs.map(([column]) => column);
    const values = pairs.map(([, value]) => value);
    return this.written(
      runId,
      fence,
      `WITH run AS (${bumpSeq}),
            step AS (INSERT INTO step_runs (run_id, position, parent_step_run_id, ${columns.join(", ")})
                     SELECT p.run_id, p.position, p.id, ${values.join(", ")}
                       FROM run, step_runs p WHERE p.run_id = $1 AND p.step_id = $3
                     RETURNING *)
       SELECT run.event_seq AS "__seq", step.* FROM run LEFT JOIN step ON true`,
      params,
    );
  }

  /**
   * Writes several child rows of the step `parentStepId` in ONE statement (a `for_each` step's items):
   * each is inserted at the parent's position, or, when a row with its step id exists already (an
   * item started before, or run again on resume), replaces that row's columns (its id stays). The
   * MCP columns a child leaves null are the parent's. `progress`: the write finishes steps.
   */
  async upsertChildren(
    runId: string,
    fence: string,
    parentStepId: string,
    children: ReadonlyArray<Omit<StepRowInit, "runId" | "position" | "parentStepRunId">>,
    progress: boolean,
  ): Promise<WrittenSteps> {
    const rows = children.map((child) => {
      const {
        runId: _r,
        position: _p,
        parentStepRunId: _parent,
        ...row
      } = stepRow({ ...child, runId, position: 0 });
      return toColumns(this.steps, row);
    });
    const columns = Object.keys(rows[0] ?? {});
    const updates = columns.filter((c) => c !== "id").map((c) => `${c} = EXCLUDED.${c}`);
    return this.written(
      runId,
      fence,
      `WITH run AS (${progress ? bumpSeqProgress : bumpSeq}),
            parent AS (SELECT p.id, p.position, p.mcp_id, p.mcp_name, p.mcp_version, p.mcp_type
                         FROM step_runs p WHERE p.run_id = $1 AND p.step_id = $3),
            step AS (INSERT INTO step_runs (run_id, position, parent_step_run_id, ${columns.join(", ")})
                     SELECT $1, parent.position, parent.id, ${columns.map(childValue).join(", ")}
                       FROM run, parent, jsonb_populate_recordset(NULL::step_runs, $4::jsonb) r
                     ON CONFLICT (run_id, step_id) DO UPDATE SET ${updates.join(", ")}
                     RETURNING *)
       SELECT run.event_seq AS "__seq", step.* FROM run LEFT JOIN step ON true`,
      [runId, fence, parentStepId, JSON.stringify(rows)],
    );
  }

  /**
   * Records the run's end (and any other run columns in `patch`); returns the event sequence number.
   * Group commit, as {@link updateSteps}: other runs' ends made meanwhile share the statement.
   */
  async updateRun(runId: string, fence: string, patch: RunPatch): Promise<string> {
    return (await this.runWrites.submit({ runId, fence, patch })).seq;
  }

  /**
   * {@link updateRun}, with two options. `read`: the run as this write leaves it, with its steps, is
   * read in the same statement, for a caller in this process waiting for the run's end, which then
   * needs no read of its own (docs/adr/029). `steps`: the run's last step transition, held back by
   * its recorder, is written by the same write, before the end (docs/adr/031): in one statement
   * when the write goes alone, else the batch's step transitions in one statement just before its
   * run ends. A lost fence writes neither.
   */
  endRun(
    runId: string,
    fence: string,
    patch: RunPatch,
    options: { readonly read?: boolean; readonly steps?: StepsOfEnd } = {},
  ): Promise<RunWritten> {
    return this.runWrites.submit({ runId, fence, patch, ...options });
  }

  /**
   * A batch of several run ends: the step transitions some of them carry (`steps`) first, in one
   * statement, then the ends whose steps were written (a lost fence fails both), in another.
   */
  private async runEnds(writes: readonly RunWrite[]): Promise<ReadonlyArray<Outcome<RunWritten>>> {
    const carrying = writes.flatMap((write) =>
      write.steps ? [{ runId: write.runId, fence: write.fence, ...write.steps }] : [],
    );
    if (carrying.length === 0) return this.runBatch.commit(writes);
    const stepOutcomes = await this.stepBatch.commit(carrying);
    const stepsOf = new Map(carrying.map((write, i) => [write.runId, stepOutcomes[i]]));
    const going = writes.filter((write) => {
      const outcome = stepsOf.get(write.runId);
      return outcome === undefined || "value" in outcome;
    });
    const ends = going.length > 0 ? await this.runBatch.commit(going) : [];
    const endOf = new Map(going.map((write, i) => [write.runId, ends[i]]));
    return writes.map((write): Outcome<RunWritten> => {
      const steps = stepsOf.get(write.runId);
      if (steps && "error" in steps) return steps;
      const end = endOf.get(write.runId) ?? { error: new Error("the statement returned no outcome") };
      if (!steps || "error" in end) return end;
      return { value: { ...end.value, steps: steps.value } };
    });
  }

  private async written(runId: string, fence: string, sql: string, params: unknown[]): Promise<WrittenSteps> {
    const rows = await this.sql.rows<Record<string, unknown>>(sql, params);
    const first = rows[0];
    if (first === undefined) throw new FenceLostError(runId, fence);
    return {
      seq: String(first["__seq"]),
      rows: rows.filter((row) => row["id"] != null).map((row) => fromRow<StepRunEntity>(this.steps, row)),
    };
  }
}

/** A lone write's outcome: its value, or its lost fence; any other error fails the statement. */
async function alone<O>(write: () => Promise<O>): Promise<Array<Outcome<O>>> {
  try {
    return [{ value: await write() }];
  } catch (error) {
    if (error instanceof FenceLostError) return [{ error }];
    throw error;
  }
}

/** The MCP a child row does not name is its parent's (`parent` in upsertChildren). */
const PARENT_COLUMNS = new Set(["mcp_id", "mcp_name", "mcp_version", "mcp_type"]);
function childValue(column: string): string {
  return PARENT_COLUMNS.has(column) ? `COALESCE(r.${column}, parent.${column})` : `r.${column}`;
}

/**
 * The condition naming a lone write's steps `s` by their ids, each bound as a parameter of its own
 * (pushed onto `params`): `s.step_id = $n` for one step (almost every write), `s.step_id IN ($n, …)`
 * for several. An array parameter (`= ANY($n::text[])`) would do for any count, but for a generic
 * plan PostgreSQL takes it to hold ten ids: that plan read the run's steps through
 * `step_runs_by_run` and cost about three times the plan made for one id, so once `step_runs` held a
 * few thousand rows PostgreSQL planned the statement at every execution. With the ids spelled out
 * (one text per count), the generic plan is the custom one and is kept (docs/adr/037). Past
 * {@link SPELLED_OUT} ids (a rare settling of many branches) the array is bound instead, so that the
 * texts stay few: such a write is planned each time.
 */
function stepsNamed(stepIds: readonly string[], params: unknown[]): string {
  if (stepIds.length === 0) return "false";
  const first = params.length + 1;
  if (stepIds.length > SPELLED_OUT) {
    params.push(stepIds);
    return `s.step_id = ANY($${first}::text[])`;
  }
  params.push(...stepIds);
  if (stepIds.length === 1) return `s.step_id = $${first}::text`;
  return `s.step_id IN (${stepIds.map((_, i) => `$${first + i}::text`).join(", ")})`;
}

/** The most step ids {@link stepsNamed} binds one by one. */
const SPELLED_OUT = 8;

/** A step finishing is progress: the run's count of recoveries without progress starts again. */
function finishesStep(patch: StepPatch): boolean {
  return patch.status === "succeeded" || patch.status === "failed";
}

/** Bumps the run's event sequence if `fence` ($2) is still current. */
const bumpSeq = `UPDATE workflow_runs SET event_seq = event_seq + 1, updated_at = now()
                  WHERE id = $1 AND fence = $2 RETURNING event_seq`;

/** {@link bumpSeq} for a write that finishes a step: the run made progress. */
const bumpSeqProgress = `UPDATE workflow_runs SET event_seq = event_seq + 1, updated_at = now(), recoveries = 0
                  WHERE id = $1 AND fence = $2 RETURNING event_seq`;
