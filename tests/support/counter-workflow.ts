import { existsSync, readFileSync } from "node:fs";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, type WorkflowRun } from "@mcp/proto/executor";
import { ExecutionMode, type WorkflowSpecSchema } from "@mcp/proto/workflows";

/** A gRPC client of the executor at `url`. */
export const executorClient = (url: string): Client<typeof ExecutorService> =>
  createClient(ExecutorService, createGrpcTransport({ baseUrl: url }));

const staticString = (value: string) => ({
  source: { case: "staticValue" as const, value: { kind: { case: "stringValue" as const, value } } },
});

/** Lines in a counter file: how many times the step that owns it really started. */
export const linesIn = (file: string): number =>
  existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .filter((l) => l !== "").length
    : 0;

/**
 * `first` → `second` → `third` of the counter MCP `mcp` (COUNTER_SCRIPT), each appending to its own
 * counter file; `second` sleeps `secondSeconds`.
 */
export function threeCounterSteps(
  mcp: string,
  files: Record<"first" | "second" | "third", string>,
  secondSeconds: number,
): MessageInitShape<typeof WorkflowSpecSchema> {
  const step = (stepId: "first" | "second" | "third", seconds: number, dependsOn: string[]) => ({
    stepId,
    mcp: { mcp: { case: "name" as const, value: mcp } },
    dependsOn,
    inputs: {
      counter: staticString(files[stepId]),
      tag: staticString(stepId),
      seconds: staticString(String(seconds)),
    },
  });
  return {
    executionMode: ExecutionMode.SEQUENTIAL,
    steps: [step("first", 0, []), step("second", secondSeconds, ["first"]), step("third", 0, ["second"])],
    outputs: [{ name: "count", stepId: "third", output: "count" }],
  };
}

/** The status of step `stepId` in `run`. */
export const stepStatus = (run: WorkflowRun | undefined, stepId: string) =>
  run?.steps.find((s) => s.stepId === stepId)?.status;
