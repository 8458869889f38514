import { StepLogStream } from "@mcp/proto/executor";
import { call, type Context } from "../context.js";

/**
 * `mcp logs RUN --step S -f`: the step's stdout and stderr as they are written (TailStepLogs with
 * `follow`), each complete line printed as it arrives (stdout to stdout, stderr to stderr), until the
 * step ends. A step that already ended prints its record.
 */
export async function followLogs(ctx: Context, runId: string, stepId: string): Promise<void> {
  const partial = new Map<StepLogStream, string>();
  const print = (stream: StepLogStream, line: string) =>
    stream === StepLogStream.STDERR ? ctx.io.err(line) : ctx.io.out(line);
  await call(ctx, "executor", async () => {
    for await (const chunk of ctx.clients.executor.tailStepLogs({ runId, stepId, follow: true })) {
      const lines = ((partial.get(chunk.stream) ?? "") + chunk.text).split("\n");
      partial.set(chunk.stream, lines.pop() ?? "");
      for (const line of lines) print(chunk.stream, line);
    }
  });
  for (const [stream, rest] of partial) if (rest !== "") print(stream, rest);
}
