import { formatEventLine, formatProgress, type RunProgress } from "./progress.js";

/** Where the display writes (stderr in the CLI; a buffer in tests). */
export interface DisplayStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
}

export interface ProgressDisplay {
  /** Shows that something happened (`what` comes from RunProgress.apply). */
  event(what: string): void;
  /** Stops redrawing and leaves the cursor on a clean line. */
  stop(): void;
}

const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const CLEAR_LINE = "\r\x1b[2K";

/**
 * The live view of a run. On a terminal: one status line redrawn in place (and every few hundred
 * milliseconds, so the elapsed time moves), with step and run events printed above it. Elsewhere (a
 * pipe, a CI log): one line per event. Both show steps done/total, the current step and the elapsed time.
 */
export function createProgressDisplay(
  stream: DisplayStream,
  progress: RunProgress,
  startedAt: number,
  now: () => number = Date.now,
  redrawMs = 200,
): ProgressDisplay {
  const elapsed = () => now() - startedAt;
  if (!stream.isTTY) {
    return {
      event: (what) => void stream.write(`${formatEventLine(progress.view(), elapsed(), what)}\n`),
      stop: () => undefined,
    };
  }
  let frame = 0;
  const draw = () => {
    frame = (frame + 1) % SPINNER.length;
    stream.write(`${CLEAR_LINE}${SPINNER[frame]} ${formatProgress(progress.view(), elapsed())}`);
  };
  const timer = setInterval(draw, redrawMs);
  timer.unref();
  draw();
  return {
    event(what) {
      stream.write(`${CLEAR_LINE}  ${what}\n`);
      draw();
    },
    stop() {
      clearInterval(timer);
      stream.write(`${CLEAR_LINE}${formatProgress(progress.view(), elapsed())}\n`);
    },
  };
}
