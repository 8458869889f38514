import type { Logger } from "pino";
import { signalRepeat, type FirstSignal } from "./signal-repeat.js";

/**
 * Runs `stop` once on the first SIGTERM or SIGINT, then exits (0 on a clean stop, 1 if it failed).
 * A second signal exits at once; the same signal again within a second is the first one's echo
 * (signal-repeat.ts) and changes nothing.
 */
export function onShutdown(logger: Logger, stop: (signal: string) => Promise<void>): void {
  let first: FirstSignal | undefined;
  const handle = (signal: NodeJS.Signals) => {
    const repeat = signalRepeat(first, signal);
    if (repeat === "echo") {
      logger.debug({ signal }, "the same signal again: already stopping");
      return;
    }
    if (repeat === "again") {
      logger.warn({ signal }, "second signal: exiting now");
      process.exit(1);
    }
    first = { signal, at: Date.now() };
    logger.info({ signal }, "shutting down");
    stop(signal).then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", handle);
  process.on("SIGINT", handle);
}
