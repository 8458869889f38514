import type { WorkflowRunEntity } from "@mcp/db";
import type { WorkflowRun } from "@mcp/proto/executor";
import type { RunReader } from "./run-reader.js";
import type { RunStarter, Started } from "./run-starter.js";
import type { RunEndSubscription, RunWatcher } from "./run-watcher.js";
import type { Reservation } from "./run-worker.js";
import { isQueuedByKey } from "./mapping.js";
import type { EndedRuns } from "./ended-runs.js";

/** How long a call that asked to wait blocks when it names no limit. */
const DEFAULT_WAIT_SECONDS = 300;

/** What a new run's caller asked for: the answer at once, or after the run's end. */
export interface LaunchOptions {
  readonly wait: boolean;
  readonly waitTimeoutSeconds?: number | undefined;
  /** Waiting stops when it aborts (the caller's call ended); default: never. */
  readonly signal?: AbortSignal;
}

/** A launched run as the caller gets it, and whether this call created it (false: an earlier request's). */
export interface Launched {
  readonly run: WorkflowRun;
  readonly created: boolean;
}

/**
 * Admission of new runs (ExecuteWorkflow, RunMcp, a failed run's fallback): reserve room in this
 * executor → create the run (claimed by this executor when it had room) → drive it here, or wake the
 * other executors for it → answer at once, or wait for its end. A waiting caller subscribes to the
 * run before it starts, so it reads no snapshot and misses no event; a run driven here reaches it in
 * process, and when driven here its end comes with the run as that end left it (no read after it:
 * docs/adr/029). A request that repeats an earlier one (same request id) gets that run, waited for
 * when asked.
 */
export class RunLauncher {
  constructor(
    private readonly deps: {
      readonly starter: Pick<RunStarter, "fallback">;
      readonly reader: RunReader;
      readonly watcher: RunWatcher;
      /** Room to create a run claimed by this executor and drive it at once; undefined when full. */
      readonly reserve: () => Reservation | undefined;
      /** Tells the other executors that a run is waiting. */
      readonly wake: (runId: string) => Promise<void>;
      /** Where a driver here hands a waited-for run's end over (docs/adr/029); without it the end is read. */
      readonly endedRuns?: EndedRuns;
    },
  ) {}

  /**
   * Starts `failed`'s fallback workflow (same inputs, linked to it; once per failed run) without
   * waiting for it; resolves with the fallback run's id.
   */
  async fallback(failed: WorkflowRunEntity, workflowName: string): Promise<string> {
    const { run } = await this.launch((claim) => this.deps.starter.fallback(failed, workflowName, claim), {
      wait: false,
    });
    return run.id;
  }

  /** Starts a sub-workflow's child run made by `create` without waiting for it; resolves with its id. */
  async child(create: (claim: Reservation["claim"] | undefined) => Promise<Started>): Promise<string> {
    const { run } = await this.launch(create, { wait: false });
    return run.id;
  }

  /** Creates a run with `create` (given this executor's claim when it has room), starts it, answers. */
  async launch(
    create: (claim: Reservation["claim"] | undefined) => Promise<Started>,
    options: LaunchOptions,
  ): Promise<Launched> {
    const { reader, watcher } = this.deps;
    const slot = this.deps.reserve();
    let subscription: RunEndSubscription | undefined;
    let forget: (() => void) | undefined;
    try {
      const started = await create(slot?.claim);
      const id = started.run.id;
      const timeoutMs = (options.waitTimeoutSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
      const signal = options.signal ?? new AbortController().signal;
      if (!started.created) {
        // the run this call started (or its earlier twin), so of the caller's workspace
        const run = options.wait
          ? await reader.waitForEnd(started.run.workspace, id, timeoutMs, signal)
          : await reader.get(started.run.workspace, id);
        return { run, created: false };
      }
      if (options.wait) {
        subscription = watcher.subscribeToEnd(id);
        forget = this.deps.endedRuns?.expect(id);
      }
      if (slot && started.run.owner !== null) {
        // created with this executor's claim: driven here, its events reach the subscription in process
        slot.drive(started.run, started.plan);
      } else {
        await subscription?.listenElsewhere();
        // queued behind a run of its concurrency key: that run's end wakes it (ADR 018)
        if (!isQueuedByKey(started.run)) await this.deps.wake(id);
      }
      const run = subscription
        ? await reader.waitForEnd(started.run.workspace, id, timeoutMs, signal, {
            subscription,
            ended: () => this.deps.endedRuns?.ended(id),
          })
        : await reader.get(started.run.workspace, id);
      return { run, created: true };
    } finally {
      slot?.release();
      forget?.();
      await subscription?.close();
    }
  }
}
