/**
 * Spreads process starts over event-loop turns. Starting a process forks this one, which blocks the
 * event loop for a time that grows with its memory (~50 ms at a few hundred MB here), so a burst of
 * steps starting together (a batch of runs) would hold up everything else for seconds, lease renewals
 * included, and another executor would take the runs over. Each start waits for its own turn (a
 * `setImmediate` after the previous start), so timers and I/O run between two forks.
 */
let last: Promise<void> = Promise.resolve();

/** Resolves when this caller may start its process. */
export function nextSpawnTurn(): Promise<void> {
  const turn = last.then(() => new Promise<void>((resolve) => setImmediate(resolve)));
  last = turn;
  return turn;
}
