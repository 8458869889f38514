import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  CancelRunResponseSchema,
  ExecuteWorkflowResponseSchema,
  GetRunResponseSchema,
  ListRunsResponseSchema,
  RunMcpResponseSchema,
  WatchRunResponseSchema,
  type ExecutorService,
} from "@mcp/proto/executor";
import type { RunCanceller } from "./runs/run-canceller.js";
import type { RunReader } from "./runs/run-reader.js";
import type { RunStarter, Started } from "./runs/run-starter.js";
import type { RunWatcher } from "./runs/run-watcher.js";
import type { Reservation } from "./runs/run-worker.js";

/** The run modules the handlers delegate to. */
export interface ExecutorDeps {
  readonly starter: RunStarter;
  readonly reader: RunReader;
  readonly watcher: RunWatcher;
  readonly canceller: RunCanceller;
  /** Room to create a run claimed by this executor and drive it at once; undefined when full. */
  readonly reserve: () => Reservation | undefined;
  /** Tells the other executors that a run is waiting. */
  readonly wake: (runId: string) => Promise<void>;
}

const DEFAULT_WAIT_SECONDS = 300;

/** ExecutorService over the run modules. Requests arrive validated; handlers only translate. */
export function executorService(deps: ExecutorDeps): ServiceImpl<typeof ExecutorService> {
  const { starter, reader, watcher, canceller } = deps;

  /**
   * Starts a new run (driven here: created claimed when there was room, else claimed now; or woken
   * for the other executors) and answers with it, after its end with `wait`.
   */
  async function answer(
    started: Started,
    slot: Reservation | undefined,
    wait: boolean,
    waitSeconds: number | undefined,
    signal: AbortSignal,
  ) {
    const id = started.run.id;
    const timeoutMs = (waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
    const start = async (listenElsewhere?: () => Promise<void>) => {
      // created with the slot's claim: ours to drive
      if (slot && started.created) return slot.drive(started.run);
      slot?.release();
      await listenElsewhere?.();
      await deps.wake(id);
    };
    try {
      if (!wait) {
        if (started.created) await start();
        return { run: await reader.get(id), created: started.created };
      }
      // A new run starts only once the wait listens to it, so the wait need not read it first;
      // driven here, its events reach the wait in process.
      const run = started.created
        ? await reader.waitForEnd(id, timeoutMs, signal, {
            start,
            knownSequence: BigInt(started.run.eventSeq),
          })
        : await reader.waitForEnd(id, timeoutMs, signal);
      return { run, created: started.created };
    } finally {
      slot?.release();
    }
  }

  /** Creates a run with `create`, claimed for this executor when it has room. */
  async function begin(create: (slot: Reservation | undefined) => Promise<Started>) {
    const slot = deps.reserve();
    try {
      return { started: await create(slot), slot };
    } catch (err) {
      slot?.release();
      throw err;
    }
  }

  return {
    async executeWorkflow(req, ctx) {
      const { started, slot } = await begin((s) =>
        starter.workflow(req.workflow!, req.inputs ?? {}, req.requestId, null, s?.claim),
      );
      return create(
        ExecuteWorkflowResponseSchema,
        await answer(started, slot, req.wait, req.waitTimeoutSeconds, ctx.signal),
      );
    },

    async getRun(req) {
      return create(GetRunResponseSchema, { run: await reader.get(req.id) });
    },

    async listRuns(req) {
      return create(ListRunsResponseSchema, await reader.list(req));
    },

    async *watchRun(req, ctx) {
      for await (const event of watcher.watch(req.id, ctx.signal)) {
        yield create(WatchRunResponseSchema, { event });
      }
    },

    async cancelRun(req) {
      await canceller.cancel(req.id, req.reason);
      return create(CancelRunResponseSchema, { run: await reader.get(req.id) });
    },

    async runMcp(req, ctx) {
      const { started, slot } = await begin((s) =>
        starter.mcp(req.mcp!, req.inputs ?? {}, req.requestId, s?.claim),
      );
      return create(
        RunMcpResponseSchema,
        await answer(started, slot, req.wait, req.waitTimeoutSeconds, ctx.signal),
      );
    },
  };
}
