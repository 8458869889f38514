import { clone, create } from "@bufbuild/protobuf";
import type { McpReference } from "@mcp/proto/registry";
import {
  StepSchema,
  WorkflowInputSchema,
  WorkflowOutputSchema,
  WorkflowSpecSchema,
  type Step,
  type WorkflowReference,
  type WorkflowSpec,
} from "@mcp/proto/workflows";

/**
 * Edits of a workflow spec made in the visual builder. Each returns a new spec and leaves its argument
 * untouched (React state). The spec is the one source of truth: the graph and the YAML view are views
 * of it.
 */

/** What a new step calls: an MCP or a sub-workflow. */
export type StepTarget =
  | { readonly kind: "mcp"; readonly ref: McpReference }
  | { readonly kind: "workflow"; readonly ref: WorkflowReference };

const ID_CHARS = /[^A-Za-z0-9_-]+/g;
const MAX_ID = 128;

export function emptySpec(): WorkflowSpec {
  return create(WorkflowSpecSchema, {});
}

function edited(spec: WorkflowSpec, change: (draft: WorkflowSpec) => void): WorkflowSpec {
  const draft = clone(WorkflowSpecSchema, spec);
  change(draft);
  return draft;
}

/** A step id from a name (`Summarise v2` -> `Summarise-v2`), unique in the spec (`-2`, `-3`, ...). */
export function uniqueStepId(spec: WorkflowSpec, wanted: string): string {
  const base =
    wanted
      .replace(ID_CHARS, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, MAX_ID - 4) || "step";
  const taken = new Set(spec.steps.map((s) => s.stepId));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

function targetName(target: StepTarget): string {
  const who = target.kind === "mcp" ? target.ref.mcp : target.ref.workflow;
  return who.case === "name" ? who.value : "step";
}

/** Adds a step calling `target` at the end of the spec; its id comes from the target's name. */
export function addStep(spec: WorkflowSpec, target: StepTarget): { spec: WorkflowSpec; stepId: string } {
  const stepId = uniqueStepId(spec, targetName(target));
  const step = create(
    StepSchema,
    target.kind === "mcp" ? { stepId, mcp: target.ref } : { stepId, workflow: target.ref },
  );
  return { spec: edited(spec, (d) => d.steps.push(step)), stepId };
}

/** Replaces one step with what `change` makes of a copy of it. */
export function updateStep(spec: WorkflowSpec, stepId: string, change: (step: Step) => void): WorkflowSpec {
  return edited(spec, (d) => {
    const step = d.steps.find((s) => s.stepId === stepId);
    if (step) change(step);
  });
}

/**
 * Removes steps and what points at them: their ids in others' `depends_on`, inputs reading their outputs
 * and workflow outputs taken from them. (A `for_each` over a removed step's output stays, for
 * validation to flag: it is the heart of that step and should not vanish silently.)
 */
export function removeSteps(spec: WorkflowSpec, stepIds: readonly string[]): WorkflowSpec {
  const gone = new Set(stepIds);
  return edited(spec, (d) => {
    d.steps = d.steps.filter((s) => !gone.has(s.stepId));
    for (const step of d.steps) {
      step.dependsOn = step.dependsOn.filter((id) => !gone.has(id));
      for (const [name, input] of Object.entries(step.inputs)) {
        if (input.source.case === "stepOutput" && gone.has(input.source.value.stepId))
          delete step.inputs[name];
      }
    }
    d.outputs = d.outputs.filter((o) => !gone.has(o.stepId));
  });
}

/** The steps `stepId` depends on, directly or transitively. */
export function upstreamOf(spec: WorkflowSpec, stepId: string): Set<string> {
  const byId = new Map(spec.steps.map((s) => [s.stepId, s]));
  const seen = new Set<string>();
  const todo = [...(byId.get(stepId)?.dependsOn ?? [])];
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(byId.get(id)?.dependsOn ?? []));
  }
  return seen;
}

/** Whether `to` depending on `from` is allowed: two different steps, and no cycle made. */
export function canConnect(spec: WorkflowSpec, from: string, to: string): boolean {
  if (from === to) return false;
  const ids = new Set(spec.steps.map((s) => s.stepId));
  return ids.has(from) && ids.has(to) && !upstreamOf(spec, from).has(to);
}

/** `to` depends on `from` (an edge `from → to`); no change when it already does or would make a cycle. */
export function connect(spec: WorkflowSpec, from: string, to: string): WorkflowSpec {
  const target = spec.steps.find((s) => s.stepId === to);
  if (!target || target.dependsOn.includes(from) || !canConnect(spec, from, to)) return spec;
  return updateStep(spec, to, (s) => s.dependsOn.push(from));
}

/** `to` no longer depends on `from` directly. */
export function disconnect(spec: WorkflowSpec, from: string, to: string): WorkflowSpec {
  return updateStep(spec, to, (s) => {
    s.dependsOn = s.dependsOn.filter((id) => id !== from);
  });
}

/**
 * Renames a step and every reference to it: `depends_on`, `step_output` inputs, `for_each` sources and
 * workflow outputs. (References inside CEL `when` expressions are left for validation to flag.)
 */
export function renameStep(spec: WorkflowSpec, from: string, to: string): WorkflowSpec {
  if (from === to || spec.steps.some((s) => s.stepId === to)) return spec;
  return edited(spec, (d) => {
    for (const step of d.steps) {
      if (step.stepId === from) step.stepId = to;
      step.dependsOn = step.dependsOn.map((id) => (id === from ? to : id));
      for (const input of Object.values(step.inputs)) {
        if (input.source.case === "stepOutput" && input.source.value.stepId === from)
          input.source.value.stepId = to;
      }
      if (step.forEach?.source.case === "stepOutput" && step.forEach.source.value.stepId === from)
        step.forEach.source.value.stepId = to;
    }
    for (const output of d.outputs) if (output.stepId === from) output.stepId = to;
  });
}

/** Adds a workflow input named `input`, `input_2`, ... (unique), not required. */
export function addWorkflowInput(spec: WorkflowSpec): WorkflowSpec {
  const taken = new Set(spec.inputs.map((i) => i.name));
  let name = "input";
  for (let n = 2; taken.has(name); n++) name = `input_${n}`;
  return edited(spec, (d) => d.inputs.push(create(WorkflowInputSchema, { name })));
}

/** Adds a workflow output taken from a step's whole result (named after the step, made unique). */
export function addWorkflowOutput(spec: WorkflowSpec, stepId: string): WorkflowSpec {
  const taken = new Set(spec.outputs.map((o) => o.name));
  const base = stepId.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^[^A-Za-z_]/, "_$&");
  let name = base;
  for (let n = 2; taken.has(name); n++) name = `${base}_${n}`;
  return edited(spec, (d) => d.outputs.push(create(WorkflowOutputSchema, { name, stepId })));
}

/** Any other change of the spec as a whole (inputs, outputs, execution mode, error handling). */
export function editSpec(spec: WorkflowSpec, change: (draft: WorkflowSpec) => void): WorkflowSpec {
  return edited(spec, change);
}
