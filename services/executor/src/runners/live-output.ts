import type { Runner, RunnerFor, StepContext } from "../step/index.js";

/** Where a step attempt's live output goes (the executor's StepLogs). */
export interface LiveOutputSink {
  writer(
    runId: string,
    stepId: string,
  ): {
    write(stream: "stdout" | "stderr", chunk: Buffer): void;
    end(): void;
  };
}

/**
 * Gives every attempt an `onOutput` that publishes its stdout and stderr as they are written (see
 * StepLogs), and ends that live log when the attempt ends, however it ends. Runners that start no
 * process never call it; the log then just ends.
 */
export function withLiveOutput(base: RunnerFor, sink: LiveOutputSink): RunnerFor {
  return (mcp) => {
    const runner = base(mcp);
    return {
      run: async (context: StepContext) => {
        const writer = sink.writer(context.runId, context.stepId);
        try {
          return await runner.run({ ...context, onOutput: (stream, chunk) => writer.write(stream, chunk) });
        } finally {
          writer.end();
        }
      },
    } satisfies Runner;
  };
}
