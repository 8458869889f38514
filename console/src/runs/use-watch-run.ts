import { Code, ConnectError } from "@connectrpc/connect";
import { useEffect, useReducer, useState } from "react";
import { isFinalRunStatus, type RunEvent, type WorkflowRun } from "@mcp/proto/executor";
import { useClients } from "../api/context";
import { applyEvent, applyRun, initialWatchState, type WatchState } from "./run-state";

/** Where the live connection is. */
export type WatchPhase = "connecting" | "live" | "reconnecting" | "finished" | "failed";

export interface WatchRun {
  readonly state: WatchState;
  readonly phase: WatchPhase;
  /** The latest error of the stream (kept while reconnecting; the final one when failed). */
  readonly error: unknown;
}

/** Errors that will not go away by calling again. */
const PERMANENT = new Set([
  Code.NotFound,
  Code.InvalidArgument,
  Code.PermissionDenied,
  Code.Unauthenticated,
  Code.FailedPrecondition,
  Code.Unimplemented,
]);

/** Waits before reconnect n: 0.5 s, 1 s, 2 s, ... up to 10 s. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(500 * 2 ** attempt, 10_000);
}

type Action = { type: "event"; event: RunEvent } | { type: "run"; run: WorkflowRun };

function reducer(state: WatchState, action: Action): WatchState {
  return action.type === "event" ? applyEvent(state, action.event) : applyRun(state, action.run);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Follows a run with WatchRun: the first message is the current state, then every change. When the
 * stream ends, GetRun resyncs the full run (outputs, finish time); if the run is not final yet (the
 * stream broke), it reconnects with backoff and starts again from a fresh snapshot.
 */
export function useWatchRun(id: string): WatchRun {
  const { executor } = useClients();
  const [state, dispatch] = useReducer(reducer, initialWatchState);
  const [phase, setPhase] = useState<WatchPhase>("connecting");
  const [error, setError] = useState<unknown>(undefined);

  useEffect(() => {
    const abort = new AbortController();
    const { signal } = abort;
    const follow = async () => {
      for (let attempt = 0; !signal.aborted; attempt++) {
        try {
          for await (const res of executor.watchRun({ id }, { signal })) {
            if (res.event) dispatch({ type: "event", event: res.event });
            setPhase("live");
            setError(undefined);
            attempt = 0;
          }
          const { run } = await executor.getRun({ id }, { signal });
          if (run) dispatch({ type: "run", run });
          if (run && isFinalRunStatus(run.status)) {
            setPhase("finished");
            return;
          }
        } catch (err) {
          if (signal.aborted) return;
          setError(err);
          if (err instanceof ConnectError && PERMANENT.has(err.code)) {
            setPhase("failed");
            return;
          }
        }
        setPhase("reconnecting");
        await sleep(reconnectDelayMs(attempt), signal);
      }
    };
    void follow();
    return () => abort.abort();
  }, [executor, id]);

  return { state, phase, error };
}
