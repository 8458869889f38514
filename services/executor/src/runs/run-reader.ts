import { create } from "@bufbuild/protobuf";
import { timestampDate } from "@bufbuild/protobuf/wkt";
import {
  decodePageToken,
  encodePageToken,
  pageSize,
  toPage,
  type RunListFilter,
  type RunPermits,
  type RunQueries,
  type RunScope,
  type RunWithSteps,
} from "@mcp/db";
import { InvalidArgumentError, NotFoundError } from "@mcp/errors";
import { RunKind, RunView, type ListRunsRequest, type WorkflowRun } from "@mcp/proto/executor";
import { WorkflowReferenceSchema } from "@mcp/proto/workflows";
import type { RunStatusName } from "@mcp/db";
import type { Definitions } from "../definitions/definitions.js";
import { concurrencyWait } from "./concurrency-wait.js";
import { runStatusName, toWorkflowRun } from "./mapping.js";
import type { RunEndSubscription, RunWatcher } from "./run-watcher.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Reading runs: one with its steps, pages of them, and waiting for one to end. */
export class RunReader {
  constructor(
    private readonly queries: RunQueries,
    private readonly watcher: RunWatcher,
    private readonly definitions: Definitions,
    /** Where steps waiting for an MCP permit are queued (concurrency-wait.ts). */
    private readonly permits?: Pick<RunPermits, "waitsOf">,
  ) {}

  /** The run with its steps; NOT_FOUND when there is none in `scope` (the caller's workspace). */
  async get(scope: RunScope, id: string): Promise<WorkflowRun> {
    const found = await this.queries.runWithSteps(scope, id);
    if (!found) throw new NotFoundError("run", id);
    return this.shown(found);
  }

  /** A run read with its steps, as GetRun shows it. */
  private async shown(found: RunWithSteps): Promise<WorkflowRun> {
    const run = toWorkflowRun(found.run, found.steps);
    run.concurrencyWait = await concurrencyWait(found.run, found.steps, this.queries, this.permits);
    return run;
  }

  /**
   * Blocks until the run ends or `timeoutMs` passes, then returns it as it is. `from`: a run the
   * caller has just created and subscribed to (its end) before it started; its `ended` gives the run as its end left it when a driver in this process wrote that end (then no
   * read is made: docs/adr/029).
   */
  async waitForEnd(
    scope: RunScope,
    id: string,
    timeoutMs: number,
    signal: AbortSignal,
    from?: {
      readonly subscription: RunEndSubscription;
      readonly ended?: () => RunWithSteps | undefined;
    },
  ): Promise<WorkflowRun> {
    // the caller's signal or the timeout, whichever comes first; the timer is cleared when the run
    // ends (AbortSignal.timeout's would live on for the whole timeout, one per waiter)
    const deadline = new AbortController();
    const stop = () => deadline.abort();
    const timer = setTimeout(stop, timeoutMs);
    signal.addEventListener("abort", stop, { once: true });
    if (signal.aborted) stop();
    try {
      if (from) {
        await from.subscription.untilEnd(deadline.signal);
      } else {
        for await (const _event of this.watcher.watch(scope, id, deadline.signal)) {
          // the events end by themselves when the run reaches a final status
        }
      }
    } catch (err) {
      if (!deadline.signal.aborted) throw err;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener("abort", stop);
    }
    const ended = from?.ended?.();
    return ended ? this.shown(ended) : this.get(scope, id);
  }

  /**
   * A page of `workspace`'s runs: without their inputs and outputs unless `view` is FULL (neither read
   * nor sent; the view is not part of the page token's scope, so pages of one listing may differ in it).
   */
  async list(
    workspace: string,
    req: ListRunsRequest,
  ): Promise<{ runs: WorkflowRun[]; nextPageToken: string }> {
    const f = req.filter;
    let workflowId: string | undefined;
    if (f?.workflow) {
      // a name: resolved through the catalog memo (one cache read while no definition changed)
      workflowId = UUID.test(f.workflow)
        ? f.workflow
        : (
            await (
              await this.definitions.current(workspace)
            ).workflow(create(WorkflowReferenceSchema, { workflow: { case: "name", value: f.workflow } }))
          ).id;
    }
    const statuses = (f?.statuses ?? []).map((s) => {
      const name = runStatusName(s);
      if (!name) throw InvalidArgumentError.field("filter.statuses", `unknown status ${s}`);
      return name as RunStatusName;
    });
    const filter: RunListFilter = {
      workspace,
      workflowId,
      statuses,
      createdAfter: f?.createdAfter ? timestampDate(f.createdAfter) : undefined,
      createdBefore: f?.createdBefore ? timestampDate(f.createdBefore) : undefined,
      kind: f?.kind === RunKind.MCP ? "mcp" : f?.kind === RunKind.WORKFLOW ? "workflow" : undefined,
      ...(f?.parentRunId ? { parentRunId: f.parentRunId } : {}),
    };
    const limit = pageSize(req.pageSize);
    const scope = {
      ...filter,
      createdAfter: filter.createdAfter?.toISOString(),
      createdBefore: filter.createdBefore?.toISOString(),
    };
    const before = decodePageToken(req.pageToken, scope);
    const rows = await this.queries.list(
      filter,
      before ? [String(before[0]), String(before[1])] : undefined,
      limit + 1,
      req.view === RunView.FULL ? "full" : "basic",
    );
    const page = toPage(
      rows,
      limit,
      (last) => encodePageToken([last.createdAtKey, last.id], scope),
      (r) => toWorkflowRun(r),
    );
    return { runs: page.items, nextPageToken: page.nextPageToken };
  }
}
