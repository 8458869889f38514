import type { EventBus, Subscription } from "@mcp/coordination";
import { isFinalRunStatus, isFinalStepStatus, type RunEvent } from "@mcp/proto/executor";

/** Which stream a chunk was written to. */
export type LogStream = "stdout" | "stderr";

/**
 * One message to a step's log follower: a batch of chunks (on the step's log channel), or a sign that
 * the step may have ended (the end of an attempt in this process, or the step's final state or the
 * run's end among the run's events): read its record.
 */
export type StepLogMessage =
  | { readonly kind: "chunk"; readonly seq: number; readonly stream: LogStream; readonly text: string }
  | { readonly kind: "end"; readonly seq: number };

/** How live output is bounded; defaults suit a console and a terminal. */
export interface StepLogLimits {
  /** How often buffered output is published, at most (ms). */
  readonly flushMs: number;
  /** Output published per flush at most; the rest of a flood is dropped with a note saying how much. */
  readonly maxBytesPerFlush: number;
  /** Output of a running step kept in this process for a tail that starts late (bytes). */
  readonly backlogBytes: number;
}

export const DEFAULT_STEP_LOG_LIMITS: StepLogLimits = {
  flushMs: 100,
  maxBytesPerFlush: 32 * 1024,
  backlogBytes: 64 * 1024,
};

const logChannel = (runId: string, stepId: string) => `logs:${runId}:${stepId}`;

/** A run's events as every replica hears them (RunEvents). */
export interface RunEventSource {
  subscribe(runId: string, onEvent: (event: RunEvent) => void): Promise<Subscription>;
}

/** Whether `event` says step `stepId` (top-level) is final, or its run ended. */
function endsStep(event: RunEvent, stepId: string): boolean {
  const { case: kind, value } = event.event;
  if (kind === "stepUpdated") return value.stepId === stepId && isFinalStepStatus(value.status);
  if (kind === "runStatus") return isFinalRunStatus(value.status);
  return false;
}

/** Publishes one step attempt's output: {@link write} is cheap (buffers), {@link end} flushes and closes. */
export interface StepLogWriter {
  write(stream: LogStream, chunk: Buffer): void;
  end(): void;
}

/** A step's live output being written in this process: its backlog and its local listeners. */
interface Live {
  readonly backlog: StepLogMessage[];
  backlogBytes: number;
  readonly listeners: Set<(message: StepLogMessage) => void>;
}

/**
 * Live stdout/stderr of running steps, between the executor that runs a step and whoever tails it
 * (TailStepLogs), over the run events bus (Redis pub/sub, or in process in single-node mode).
 * Writing never waits: chunks are buffered and published at most every `flushMs`, at most
 * `maxBytesPerFlush` each time (a flood is cut with a note), so a chatty step is not slowed. The
 * process that runs a step keeps its recent output, so a tail started there late still gets it from
 * the start; a tail on another replica gets it from when it subscribed. Nothing here is durable: the
 * step record (stdout/stderr, capped) stays the record.
 *
 * The end of an attempt goes to this process's followers only: a follower learns that a step ended
 * from the run's events (its final state, published once committed, or the run's end), so an
 * attempt that printed nothing costs no message on the bus (ADR 030).
 */
export class StepLogs {
  private readonly live = new Map<string, Live>();
  /** What an attempt's writer uses of this (made once). */
  private readonly port: AttemptLogPort;

  constructor(
    private readonly bus: EventBus,
    private readonly limits: StepLogLimits = DEFAULT_STEP_LOG_LIMITS,
    /** Told when a publish failed (the step goes on; tails miss that batch). */
    private readonly onPublishError: (err: unknown) => void = () => undefined,
    /** The runs' events, which tell a follower on any replica that its step ended. */
    private readonly runEvents?: RunEventSource,
  ) {
    this.port = {
      limits,
      begin: (key) => this.begin(key),
      send: (key, live, message) => this.send(key, live, message),
      finish: (key, live) => this.finish(key, live),
    };
  }

  /**
   * A writer for one attempt of a step; call {@link StepLogWriter.end} when it ends. It costs nothing
   * until the attempt writes: most steps print nothing.
   */
  writer(runId: string, stepId: string): StepLogWriter {
    return new AttemptLog(this.port, logChannel(runId, stepId));
  }

  /** The attempt `key` started writing: its own backlog from now on, with the step's followers. */
  private begin(key: string): Live {
    const live: Live = {
      backlog: [],
      backlogBytes: 0,
      listeners: this.live.get(key)?.listeners ?? new Set(),
    };
    this.live.set(key, live);
    return live;
  }

  /**
   * Gives `message` of the attempt `key` to its followers here (a chunk also to its backlog and the
   * bus); `live` is undefined for an attempt that wrote nothing (its end reaches followers here).
   */
  private send(key: string, live: Live | undefined, message: StepLogMessage): void {
    const to = live ?? this.live.get(key);
    if (!to) return;
    if (message.kind === "chunk") {
      to.backlog.push(message);
      to.backlogBytes += message.text.length;
      while (to.backlogBytes > this.limits.backlogBytes && to.backlog.length > 1) {
        const first = to.backlog.shift();
        to.backlogBytes -= first?.kind === "chunk" ? first.text.length : 0;
      }
    }
    for (const listener of to.listeners) listener(message);
    // an attempt's end only to this process's followers; the others hear the step's run event
    if (message.kind === "chunk") this.bus.publish(key, JSON.stringify(message)).catch(this.onPublishError);
  }

  /** The attempt `key` ended: its output is kept here only while someone follows the step. */
  private finish(key: string, live: Live | undefined): void {
    const current = this.live.get(key);
    if (!current || (live !== undefined && current !== live)) return;
    if (current.listeners.size === 0) this.live.delete(key);
    else current.backlog.length = 0;
  }

  /**
   * Follows a step's live output: first what this process kept of a running attempt, then every
   * later message (from this process directly, or from another replica through the bus), each once,
   * and an `end` whenever the step may have ended (an attempt's end here, its final state or its
   * run's end among the run's events, from whichever replica). Returns the function that stops following.
   */
  async follow(
    runId: string,
    stepId: string,
    onMessage: (message: StepLogMessage) => void,
  ): Promise<() => void> {
    const key = logChannel(runId, stepId);
    let live = this.live.get(key);
    if (!live) this.live.set(key, (live = { backlog: [], backlogBytes: 0, listeners: new Set() }));
    const local = live;
    // messages of this process arrive directly; the bus copy of them is recognised by its text (JSON)
    const heardLocally = new Set<string>();
    const onLocal = (message: StepLogMessage) => {
      // only chunks go on the bus too
      if (message.kind === "chunk") heardLocally.add(JSON.stringify(message));
      onMessage(message);
    };
    const subscription: Subscription = await this.bus.subscribe(key, (text) => {
      if (heardLocally.delete(text)) return;
      onMessage(JSON.parse(text) as StepLogMessage);
    });
    // without the run's events (Redis away) an end is still heard here, or the record read later
    const ends = await this.runEvents
      ?.subscribe(runId, (event) => {
        if (endsStep(event, stepId)) onMessage({ kind: "end", seq: 0 });
      })
      .catch(() => undefined);
    for (const message of local.backlog) onLocal(message);
    local.listeners.add(onLocal);
    return () => {
      local.listeners.delete(onLocal);
      if (local.listeners.size === 0 && local.backlog.length === 0 && this.live.get(key) === local)
        this.live.delete(key);
      subscription.close().catch(() => undefined);
      ends?.close().catch(() => undefined);
    };
  }
}

/** What {@link AttemptLog} needs of its {@link StepLogs}. */
interface AttemptLogPort {
  readonly limits: StepLogLimits;
  begin(key: string): Live;
  send(key: string, live: Live | undefined, message: StepLogMessage): void;
  finish(key: string, live: Live | undefined): void;
}

/**
 * One attempt's output being written (see {@link StepLogs.writer}): buffered, and published at most
 * every `flushMs`, at most `maxBytesPerFlush` each time.
 */
class AttemptLog implements StepLogWriter {
  /** Set at the first write. */
  private live: Live | undefined;
  private seq = 0;
  private pending: { stream: LogStream; parts: Buffer[] }[] = [];
  private pendingBytes = 0;
  private dropped = 0;
  private timer: NodeJS.Timeout | undefined;
  private ended = false;

  constructor(
    private readonly logs: AttemptLogPort,
    private readonly key: string,
  ) {}

  write(stream: LogStream, chunk: Buffer): void {
    if (this.ended) return;
    this.live ??= this.logs.begin(this.key);
    const room = this.logs.limits.maxBytesPerFlush - this.pendingBytes;
    const kept = chunk.length <= room ? chunk : chunk.subarray(0, Math.max(0, room));
    this.dropped += chunk.length - kept.length;
    if (kept.length > 0) {
      const last = this.pending.at(-1);
      if (last?.stream === stream) last.parts.push(Buffer.from(kept));
      else this.pending.push({ stream, parts: [Buffer.from(kept)] });
      this.pendingBytes += kept.length;
    }
    this.timer ??= setTimeout(() => this.flush(), this.logs.limits.flushMs);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.timer);
    this.flush();
    this.logs.send(this.key, this.live, { kind: "end", seq: ++this.seq });
    this.logs.finish(this.key, this.live);
  }

  private flush(): void {
    this.timer = undefined;
    for (const group of this.pending) {
      this.logs.send(this.key, this.live, {
        kind: "chunk",
        seq: ++this.seq,
        stream: group.stream,
        text: Buffer.concat(group.parts).toString("utf8"),
      });
    }
    if (this.dropped > 0) {
      this.logs.send(this.key, this.live, {
        kind: "chunk",
        seq: ++this.seq,
        stream: "stderr",
        text: `\n[live log: ${this.dropped} bytes skipped]\n`,
      });
    }
    this.pending = [];
    this.pendingBytes = 0;
    this.dropped = 0;
  }
}
