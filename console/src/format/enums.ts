import { RunKind, RunStatus, StepStatus } from "@mcp/proto/executor";
import { McpType } from "@mcp/proto/registry";

/** `SUCCEEDED`, `RUNNING`, ...: a run status as the API names it (without the `RUN_STATUS_` prefix). */
export function runStatusName(status: RunStatus): string {
  return RunStatus[status] ?? `STATUS_${status}`;
}

/** `SUCCEEDED`, `RETRYING`, ...: a step status as the API names it. */
export function stepStatusName(status: StepStatus): string {
  return StepStatus[status] ?? `STATUS_${status}`;
}

/** `workflow` or `mcp`. */
export function runKindName(kind: RunKind): string {
  return (RunKind[kind] ?? "unknown").toLowerCase();
}

/** The run statuses a user can filter on, in lifecycle order. */
export const RUN_STATUSES: readonly RunStatus[] = [
  RunStatus.PENDING,
  RunStatus.RUNNING,
  RunStatus.SUCCEEDED,
  RunStatus.FAILED,
  RunStatus.PARTIALLY_SUCCEEDED,
  RunStatus.CANCELLED,
];

/** Parses `SUCCEEDED` (as found in a URL) back to the enum; undefined when unknown. */
export function parseRunStatus(name: string | null): RunStatus | undefined {
  if (!name) return undefined;
  const upper = name.toUpperCase();
  return RUN_STATUSES.find((s) => RunStatus[s] === upper);
}

/** How a status reads to people: the tone of its badge. */
export type Tone = "ok" | "bad" | "warn" | "busy" | "idle" | "wait";

export function runStatusTone(status: RunStatus): Tone {
  switch (status) {
    case RunStatus.SUCCEEDED:
      return "ok";
    case RunStatus.FAILED:
      return "bad";
    case RunStatus.PARTIALLY_SUCCEEDED:
    case RunStatus.CANCELLED:
      return "warn";
    case RunStatus.RUNNING:
      return "busy";
    default:
      return "idle";
  }
}

export function stepStatusTone(status: StepStatus): Tone {
  switch (status) {
    case StepStatus.SUCCEEDED:
      return "ok";
    case StepStatus.FAILED:
      return "bad";
    case StepStatus.CANCELLED:
    case StepStatus.RETRYING:
      return "warn";
    case StepStatus.RUNNING:
      return "busy";
    // parked: a sleep, a wait for a signal or an approval (no executor holds it)
    case StepStatus.WAITING:
      return "wait";
    default:
      return "idle";
  }
}

/** The five MCP types with their snake_case names (as the design and the CLI spell them). */
export const MCP_TYPES: readonly { readonly type: McpType; readonly name: string }[] = [
  { type: McpType.LLM_PROMPT, name: "llm_prompt" },
  { type: McpType.PYTHON_SCRIPT, name: "python_script" },
  { type: McpType.JUPYTER_NOTEBOOK, name: "jupyter_notebook" },
  { type: McpType.AI_ASSISTANT, name: "ai_assistant" },
  { type: McpType.MCP_TOOL, name: "mcp_tool" },
];

export function mcpTypeName(type: McpType): string {
  return MCP_TYPES.find((t) => t.type === type)?.name ?? "unspecified";
}

/** Parses `python_script` (as found in a URL) back to the enum. */
export function parseMcpType(name: string | null): McpType | undefined {
  return MCP_TYPES.find((t) => t.name === name)?.type;
}
