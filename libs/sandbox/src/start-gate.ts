import type { Duplex } from "node:stream";

/**
 * The start gate: why a sandboxed command never runs once the process that started it is gone.
 *
 * `--die-with-parent` kills a sandbox when this process dies, but bubblewrap arms it late: the outer
 * bubblewrap only after it has built the sandbox's namespaces, the process inside only just before
 * it runs the command (and bound to whichever parent it has then). A process killed in those few
 * milliseconds (measured: a kill within 0–3 ms of the spawn left the command running to its end in
 * 4 of 9 tries) leaves a sandbox whose command runs with nobody to stop it — a step running twice
 * after a failover, or beyond its MCP's `max_concurrency`.
 *
 * So the command waits at a gate first: it writes `ready` on fd {@link START_GATE_FD} (a socket whose
 * other end only this process holds) and runs only once it reads `go` back; end of file there (this
 * process died) ends it before it ran anything. This process answers `go` only after bubblewrap
 * reported the sandbox (the outer bubblewrap is armed then) and the command said `ready` (the process
 * inside was armed before it started the command, and this process was still alive to answer): from
 * then on both die with this process. Commands the sandbox does not know hold at a shell
 * ({@link gated}); the Python bootstrap holds the gate itself (`holdsStartGate`), which saves starting
 * a shell per step.
 */
export const START_GATE_FD = 3;

/** What a command writes when it waits at the gate, and what it gets back when it may run. */
export const START_GATE_READY = "ready\n";
export const START_GATE_GO = "go\n";

/** Exit status of a command whose gate closed without `go` (this process ended or stopped it first). */
export const START_GATE_CLOSED_EXIT_CODE = 125;

/** The shell a command that does not hold the gate itself waits in (closes the gate's fd before it runs). */
const GATE_SCRIPT =
  `echo ready >&${START_GATE_FD} && read -r go <&${START_GATE_FD} && [ "$go" = go ] && ` +
  `exec ${START_GATE_FD}<&- && exec "$@"; exit ${START_GATE_CLOSED_EXIT_CODE}`;

/** `commandLine` held at the start gate by `/bin/sh` (found in every sandbox's system view). */
export function gated(commandLine: readonly string[]): string[] {
  return ["/bin/sh", "-c", GATE_SCRIPT, "start-gate", ...commandLine];
}

/**
 * Answers `go` on the gate's socket once the command said `ready` and `armed` resolved (the sandbox
 * was reported: it dies with this process); closes the socket without answering when `armed`
 * rejects. Errors on the socket are ignored: how the command ended says what happened.
 */
export function openStartGate(socket: Duplex, armed: Promise<unknown>): void {
  socket.on("error", () => undefined);
  let heard = "";
  const ready = new Promise<boolean>((resolve) => {
    const onData = (chunk: Buffer) => {
      heard += chunk.toString("latin1");
      if (!heard.includes("\n")) return;
      socket.off("data", onData);
      resolve(heard === START_GATE_READY);
    };
    socket.on("data", onData);
    socket.once("close", () => resolve(false));
  });
  void Promise.all([ready, armed]).then(
    ([isReady]) => {
      if (isReady) socket.end(START_GATE_GO);
      else socket.destroy();
    },
    () => socket.destroy(),
  );
}
