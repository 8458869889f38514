/**
 * How long after a first stop signal the same signal again counts as its echo, not as a second
 * request: a terminal's Ctrl-C reaches a process both from the terminal and relayed by the launcher
 * that runs it (tsx, npm), and a launcher may pass on a signal its child already had.
 */
export const SIGNAL_ECHO_MS = 1_000;

/** The first stop signal a process received, and when. */
export interface FirstSignal {
  readonly signal: NodeJS.Signals;
  readonly at: number;
}

/**
 * What a stop signal means given the first one: `first` (none before: stop gracefully), `echo` (the
 * same signal within {@link SIGNAL_ECHO_MS}: ignore it) or `again` (a person insisting: exit now).
 */
export function signalRepeat(
  first: FirstSignal | undefined,
  signal: NodeJS.Signals,
  now: number = Date.now(),
): "first" | "echo" | "again" {
  if (first === undefined) return "first";
  return first.signal === signal && now - first.at < SIGNAL_ECHO_MS ? "echo" : "again";
}
