import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { McpConfigSchema, type McpType } from "@mcp/proto/registry";
import { StepFailure, type JsonObject, type StepContext } from "./runner.js";

/** Test helpers shared by the runners' specs. */

/** A first-attempt step context running an MCP of `type` whose config is `kind`. */
export function stepContext(
  type: McpType,
  kind: NonNullable<MessageInitShape<typeof McpConfigSchema>["kind"]>,
  inputs: JsonObject = {},
  signal: AbortSignal = new AbortController().signal,
): StepContext {
  return {
    runId: "run-1",
    stepId: "step-1",
    attempt: 1,
    mcp: {
      id: `mcp-${kind.case ?? "none"}-spec`,
      name: `${kind.case ?? "none"}-spec`,
      version: 1,
      type,
      config: create(McpConfigSchema, { kind }),
    },
    inputs,
    signal,
  };
}

/** The StepFailure `promise` rejects with; fails the test if it resolves or rejects otherwise. */
export async function stepFailureOf(promise: Promise<unknown>): Promise<StepFailure> {
  const outcome = await promise.then(
    (value) => new Error(`expected the run to fail, but it succeeded with ${JSON.stringify(value)}`),
    (error: unknown) => error,
  );
  if (outcome instanceof StepFailure) return outcome;
  throw outcome;
}
