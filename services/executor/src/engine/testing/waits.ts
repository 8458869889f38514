import type { JsonValue } from "../../step/index.js";
import type { Decision, WaitPort, Waiting } from "../waiting.js";

/** An in-memory {@link WaitPort}: signals by name in send order, decisions by step. */
export class MemoryWaits implements WaitPort {
  /** Every `stepWaiting`, in order. */
  readonly waited: Array<{ stepId: string } & Waiting> = [];
  private readonly signals: Array<{ name: string; payload: JsonValue; takenBy?: string }> = [];
  private readonly decisions = new Map<string, Decision>();

  send(name: string, payload: JsonValue): void {
    this.signals.push({ name, payload });
  }

  decide(stepId: string, decision: Decision): void {
    this.decisions.set(stepId, decision);
  }

  stepWaiting(stepId: string, waiting: Waiting): Promise<void> {
    this.waited.push({ stepId, ...waiting });
    return Promise.resolve();
  }

  takeSignal(stepId: string, signal: string): Promise<{ payload: JsonValue } | null> {
    const got =
      this.signals.find((s) => s.takenBy === stepId) ??
      this.signals.find((s) => s.name === signal && s.takenBy === undefined);
    if (got) got.takenBy = stepId;
    return Promise.resolve(got ? { payload: got.payload } : null);
  }

  decision(stepId: string): Promise<Decision | null> {
    return Promise.resolve(this.decisions.get(stepId) ?? null);
  }
}
