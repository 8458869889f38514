import type { ExecutorOverrides } from "@mcp/executor/app";

/** The executor's runner override (`startExecutor(config, logger, { runnerFor })`). */
export type RunnerFor = NonNullable<ExecutorOverrides["runnerFor"]>;
type StepResult = Awaited<ReturnType<ReturnType<RunnerFor>["run"]>>;
type StepContext = Parameters<ReturnType<RunnerFor>["run"]>[0];

const passthrough = (ctx: StepContext): StepResult => ({
  outputs: ctx.inputs,
  stdout: "",
  stderr: "",
  stdoutTruncated: false,
  stderrTruncated: false,
});

/**
 * Injected in place of the real runners: every step returns its inputs as outputs at once, so a run
 * measures orchestration alone (claim, lock, durable step rows, events), not a python subprocess.
 */
export const noopRunner: RunnerFor = () => ({ run: async (ctx) => passthrough(ctx) });

/** Every step sleeps `ms` (honouring cancellation), then passes its inputs through. */
export function sleepRunner(ms: number): RunnerFor {
  return () => ({
    run: (ctx) =>
      new Promise<StepResult>((resolve, reject) => {
        const onAbort = () => {
          clearTimeout(timer);
          reject(new Error("aborted"));
        };
        const timer = setTimeout(() => {
          ctx.signal.removeEventListener("abort", onAbort);
          resolve(passthrough(ctx));
        }, ms);
        ctx.signal.addEventListener("abort", onAbort, { once: true });
      }),
  });
}

/**
 * The runner every benchmark executor gets: an MCP named `bench-sleep-<ms>…` sleeps `ms` per step,
 * any other MCP is a noop. One executor can so serve the noop and the 10 ms shapes alike.
 */
export const benchRunner: RunnerFor = (mcp) => {
  const sleep = /^bench-sleep-(\d+)/.exec(mcp.name);
  return sleep ? sleepRunner(Number(sleep[1]))(mcp) : noopRunner(mcp);
};
