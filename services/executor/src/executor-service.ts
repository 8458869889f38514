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

/** The run modules the handlers delegate to. */
export interface ExecutorDeps {
  readonly starter: RunStarter;
  readonly reader: RunReader;
  readonly watcher: RunWatcher;
  readonly canceller: RunCanceller;
  /** Claims and drives a new run in this executor if it has room; false when it has none. */
  readonly offer: (runId: string) => Promise<boolean>;
  /** Tells the other executors that a run is waiting. */
  readonly wake: (runId: string) => Promise<void>;
}

const DEFAULT_WAIT_SECONDS = 300;

/** ExecutorService over the run modules. Requests arrive validated; handlers only translate. */
export function executorService(deps: ExecutorDeps): ServiceImpl<typeof ExecutorService> {
  const { starter, reader, watcher, canceller } = deps;

  /** Wakes the executors for a new run, then returns it (after its end, with `wait`). */
  async function answer(
    started: Started,
    wait: boolean,
    waitSeconds: number | undefined,
    signal: AbortSignal,
  ) {
    const id = started.run.id;
    const timeoutMs = (waitSeconds ?? DEFAULT_WAIT_SECONDS) * 1000;
    const start = async (listenElsewhere?: () => Promise<void>) => {
      if (await deps.offer(id)) return;
      await listenElsewhere?.();
      await deps.wake(id);
    };
    if (!wait) {
      if (started.created) await start();
      return { run: await reader.get(id), created: started.created };
    }
    // A new run starts only once the wait listens to it, so the wait need not read it first; driven
    // here, its events reach the wait in process.
    const run = started.created
      ? await reader.waitForEnd(id, timeoutMs, signal, {
          start,
          knownSequence: BigInt(started.run.eventSeq),
        })
      : await reader.waitForEnd(id, timeoutMs, signal);
    return { run, created: started.created };
  }

  return {
    async executeWorkflow(req, ctx) {
      const started = await starter.workflow(req.workflow!, req.inputs ?? {}, req.requestId);
      return create(
        ExecuteWorkflowResponseSchema,
        await answer(started, req.wait, req.waitTimeoutSeconds, ctx.signal),
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
      const started = await starter.mcp(req.mcp!, req.inputs ?? {}, req.requestId);
      return create(
        RunMcpResponseSchema,
        await answer(started, req.wait, req.waitTimeoutSeconds, ctx.signal),
      );
    },
  };
}
