import type { Step, WorkflowReference } from "@mcp/proto/workflows";

/** A step that calls a workflow (a sub-workflow) instead of an MCP, as its DAG node shows it. */
export interface SubWorkflowBadge {
  /** `↳ name`, `↳ name@v3`, `↳ id:<uuid>`. */
  readonly label: string;
  /** The console page of the called workflow (by name only; a reference by id has none). */
  readonly href?: string;
}

/** `name`, `name@v3`, or `id:<uuid>`. */
export function workflowRefLabel(ref: WorkflowReference): string {
  const who =
    ref.workflow.case === "name"
      ? ref.workflow.value
      : ref.workflow.case === "id"
        ? `id:${ref.workflow.value}`
        : "(no workflow)";
  return ref.version !== undefined ? `${who}@v${ref.version}` : who;
}

export function subWorkflowBadge(step: Step): SubWorkflowBadge | undefined {
  const ref = step.workflow;
  if (!ref) return undefined;
  const label = `↳ ${workflowRefLabel(ref)}`;
  if (ref.workflow.case !== "name") return { label };
  const version = ref.version !== undefined ? `?version=${ref.version}` : "";
  return { label, href: `/workflows/${encodeURIComponent(ref.workflow.value)}${version}` };
}
