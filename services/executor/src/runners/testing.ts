import { join } from "node:path";
import { create, type MessageInitShape } from "@bufbuild/protobuf";
import { McpConfigSchema, type McpType } from "@mcp/proto/registry";
import { Sandbox } from "@mcp/sandbox";
import { StepFailure, type JsonObject, type StepContext } from "../step/index.js";

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

/** This repository's node_modules: where the specs' stdio MCP servers live. */
export const REPO_NODE_MODULES = join(__dirname, "..", "..", "..", "..", "node_modules");

let shared: Promise<Sandbox> | undefined;

/**
 * The machine's bubblewrap sandbox as the runner specs use it (this repository's node_modules
 * readable, for stdio MCP servers); fails the spec when the sandbox does not work here.
 */
export function specSandbox(): Promise<Sandbox> {
  shared ??= Sandbox.open({
    mode: "bubblewrap",
    readOnlyPaths: [REPO_NODE_MODULES],
    egressDeny: [],
    platformUrls: [],
  }).then((sandbox) => {
    if (sandbox.status.mode !== "bubblewrap") throw new Error(`no sandbox: ${sandbox.status.problem}`);
    return sandbox;
  });
  return shared;
}

/** Closes the specs' sandbox, if one was opened (a spec's `afterAll`): its watchdog and folder go. */
export async function closeSpecSandbox(): Promise<void> {
  const sandbox = shared;
  shared = undefined;
  await sandbox?.then(
    (opened) => opened.close(),
    () => undefined,
  );
}
