import type { RecordedError, RunRecorder } from "./types.js";

/** Why a run was aborted: everything in flight is stopped at once. */
export type AbortCause =
  | { readonly kind: "cancelled" }
  | { readonly kind: "run-timeout"; readonly seconds: number }
  /** A recorder call failed (e.g. LostOwnershipError): nothing more may be recorded; runPlan rejects with `error`. */
  | { readonly kind: "fatal"; readonly error: unknown };

/** The failure that made the run stop starting steps (STOP, exhausted RETRY, FALLBACK). */
export interface StopCause {
  readonly error: RecordedError;
  readonly fallback: boolean;
}

/**
 * Run-wide switches shared by the scheduler and its step tasks. `signal` aborts every attempt in flight
 * (cancel, run timeout, fatal recorder error); `stopSignal` also fires when the run stops starting steps,
 * which interrupts waits before retries but lets running attempts finish.
 */
export class RunControl {
  private readonly aborter = new AbortController();
  private readonly stopper = new AbortController();
  private readonly fatalAborter = new AbortController();
  private abortCause: AbortCause | undefined;
  private stopCause: StopCause | undefined;

  /** Aborts on {@link abort}; its reason is the {@link AbortCause}. */
  get signal(): AbortSignal {
    return this.aborter.signal;
  }

  /** Aborts on {@link stop} or {@link abort}. */
  get stopSignal(): AbortSignal {
    return this.stopper.signal;
  }

  /** The first abort cause, if any. */
  get aborted(): AbortCause | undefined {
    return this.abortCause;
  }

  /** The first stop cause, if any. */
  get stopped(): StopCause | undefined {
    return this.stopCause;
  }

  /** Whether no new step or retry may start. */
  get halted(): boolean {
    return this.abortCause !== undefined || this.stopCause !== undefined;
  }

  /** Aborts everything in flight; the first cause wins, except that a fatal error overrides any other. */
  abort(cause: AbortCause): void {
    if (this.abortCause === undefined || (cause.kind === "fatal" && this.abortCause.kind !== "fatal")) {
      this.abortCause = cause;
    }
    this.aborter.abort(cause);
    this.stopper.abort(cause);
    if (cause.kind === "fatal") this.fatalAborter.abort(cause);
  }

  /** Starts no new step or retry; running attempts finish. The first cause wins. */
  stop(cause: StopCause): void {
    this.stopCause ??= cause;
    this.stopper.abort(cause);
  }

  /** Aborts when the run hits a fatal error (see {@link fatal}). */
  get fatalSignal(): AbortSignal {
    return this.fatalAborter.signal;
  }

  /** The fatal error, when a recorder call failed. */
  get fatal(): { readonly error: unknown } | undefined {
    return this.abortCause?.kind === "fatal" ? this.abortCause : undefined;
  }
}

/**
 * Wraps a recorder so that its first rejection (LostOwnershipError or any other) aborts the whole run
 * at once, and every later call is refused with that same error without reaching the recorder.
 */
export function guardRecorder(recorder: RunRecorder, control: RunControl): RunRecorder {
  const guarded = async <T>(call: () => Promise<T>): Promise<T> => {
    const fatal = control.fatal;
    if (fatal) throw fatal.error;
    try {
      return await call();
    } catch (error) {
      control.abort({ kind: "fatal", error });
      throw error;
    }
  };
  return {
    stepStarted: (...args) => guarded(() => recorder.stepStarted(...args)),
    stepRetrying: (...args) => guarded(() => recorder.stepRetrying(...args)),
    stepSucceeded: (...args) => guarded(() => recorder.stepSucceeded(...args)),
    stepFailed: (...args) => guarded(() => recorder.stepFailed(...args)),
    stepsSkipped: (...args) => guarded(() => recorder.stepsSkipped(...args)),
    forEachStarted: (...args) => guarded(() => recorder.forEachStarted(...args)),
    itemUpdated: (...args) => guarded(() => recorder.itemUpdated(...args)),
  };
}
