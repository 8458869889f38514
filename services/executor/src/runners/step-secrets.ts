import { FailedPreconditionError, errorMessage } from "@mcp/errors";
import { secretNames } from "@mcp/mcp-types";
import type { RunnerFor } from "../step/index.js";
import { StepFailure, type Runner, type StepContext } from "../step/index.js";
import { SecretMask } from "./secret-mask.js";

/** Where a step's secrets come from (the executor's secrets vault, in the run's workspace). */
export interface SecretSource {
  /**
   * The named secrets' values for a step of run `runId` (from the run's workspace); rejects naming the
   * first that is missing or cannot be decrypted.
   */
  reveal(runId: string, names: readonly string[]): Promise<ReadonlyMap<string, string>>;
}

/**
 * Gives each step the secrets its MCP version names (its `secrets` and its LLM provider's
 * `api_key_secret`: `secretNames` of `@mcp/mcp-types`), decrypted just before the attempt and for it
 * only, and masks their values in everything the attempt leaves behind (see SecretMask). A secret that
 * is missing or cannot be decrypted fails the step before it starts with SECRET_UNAVAILABLE, naming
 * the secret (the source's message never holds a value). Steps naming no secret pass straight through.
 */
export function withStepSecrets(base: RunnerFor, source: SecretSource): RunnerFor {
  return (mcp) => {
    const runner = base(mcp);
    const names = secretNames(mcp.config);
    if (names.length === 0) return runner;
    return {
      run: async (context: StepContext) => {
        const secrets = await source.reveal(context.runId, names).catch((error: unknown) => {
          const message = errorMessage(error);
          if (error instanceof FailedPreconditionError) throw new StepFailure("SECRET_UNAVAILABLE", message);
          throw new StepFailure("RUNNER_ERROR", `could not read the step's secrets: ${message}`);
        });
        const mask = new SecretMask(secrets.values());
        const live = context.onOutput;
        // live output masked as it comes, a secret split between two pieces included
        const streams = { stdout: mask.live(), stderr: mask.live() };
        const onOutput =
          live &&
          ((stream: "stdout" | "stderr", chunk: Buffer) => {
            const shown = streams[stream].push(chunk);
            if (shown !== "") live(stream, Buffer.from(shown));
          });
        try {
          return mask.result(await runner.run({ ...context, secrets, ...(onOutput ? { onOutput } : {}) }));
        } catch (error) {
          throw mask.failure(StepFailure.from(error));
        } finally {
          if (live)
            for (const stream of ["stdout", "stderr"] as const) {
              const rest = streams[stream].end();
              if (rest !== "") live(stream, Buffer.from(rest));
            }
        }
      },
    } satisfies Runner;
  };
}
