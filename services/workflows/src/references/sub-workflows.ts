import type { WorkflowDefinitionEntity, WorkflowQueries } from "@mcp/db";
import type { WorkflowReference, WorkflowSpec } from "@mcp/proto/workflows";
import { specFromJson } from "../catalog/content.js";
import { UUID } from "../validation/formats.js";
import { stepInputPath, stepPath, type SpecViolation } from "../validation/violation.js";

/** Most workflows followed from one spec when looking for a cycle (each read once). */
const MAX_FOLLOWED = 200;

/** A stored workflow version a reference resolves to. */
interface Target {
  readonly definition: WorkflowDefinitionEntity;
  readonly version: number;
  readonly spec: WorkflowSpec;
}

/**
 * What a spec's `workflow` steps (sub-workflows) refer to, against the stored workflows:
 * - the workflow (and the version, when pinned) exists: SUBWORKFLOW_NOT_FOUND otherwise;
 * - the step's inputs are the sub-workflow's declared inputs (UNKNOWN_WORKFLOW_INPUT) and map every
 *   required one without a default (MISSING_WORKFLOW_INPUT);
 * - no cycle: following sub-workflow references through the stored workflows (their pinned versions,
 *   else their current ones) never comes back to the workflow being written (`self`, by name, and by
 *   id once it exists): WORKFLOW_CYCLE naming the path, e.g. `a → b → a`. A spec without a name
 *   (ValidateWorkflow without one) is checked for cycles among the workflows it calls.
 */
export async function checkSubWorkflows(
  queries: WorkflowQueries,
  workspace: string,
  spec: WorkflowSpec,
  self: string | undefined,
): Promise<SpecViolation[]> {
  const violations: SpecViolation[] = [];
  const selfKey = self?.toLowerCase();
  const selfRow = selfKey ? await queries.findLiveByName(workspace, selfKey) : null;
  const isSelf = (d: WorkflowDefinitionEntity): boolean =>
    d.nameKey === selfKey || (selfRow !== null && d.id === selfRow.id);
  for (const [index, step] of spec.steps.entries()) {
    const ref = step.workflow;
    if (!ref || ref.workflow.case === undefined) continue;
    const field = `${stepPath(index)}.workflow`;
    const target = await resolve(queries, workspace, ref);
    if (!target) {
      violations.push({
        field,
        code: "SUBWORKFLOW_NOT_FOUND",
        description: `workflow ${describe(ref)} does not exist; create it first`,
      });
      continue;
    }
    const path = isSelf(target.definition)
      ? [target.definition.name]
      : await pathBack(queries, workspace, target, isSelf);
    if (path) {
      const start = self ?? target.definition.name;
      violations.push({
        field,
        code: "WORKFLOW_CYCLE",
        description: `the workflow would call itself: ${[start, ...path].join(" → ")}`,
      });
    }
    const declared = new Map(target.spec.inputs.map((i) => [i.name, i]));
    for (const name of Object.keys(step.inputs).sort()) {
      if (!declared.has(name))
        violations.push({
          field: stepInputPath(index, name),
          code: "UNKNOWN_WORKFLOW_INPUT",
          description: `"${name}" is not an input of workflow "${target.definition.name}" (declared: ${[...declared.keys()].join(", ") || "none"})`,
        });
    }
    for (const input of target.spec.inputs) {
      if (!input.required || input.defaultValue !== undefined || step.inputs[input.name]) continue;
      violations.push({
        field: stepInputPath(index, input.name),
        code: "MISSING_WORKFLOW_INPUT",
        description: `workflow "${target.definition.name}" requires input "${input.name}"; map it`,
      });
    }
  }
  return violations;
}

/**
 * The names on a way from `from` back to the workflow being written (ending with its name), or
 * undefined when there is none. Depth first, each stored workflow version followed once.
 */
async function pathBack(
  queries: WorkflowQueries,
  workspace: string,
  from: Target,
  isSelf: (d: WorkflowDefinitionEntity) => boolean,
): Promise<string[] | undefined> {
  const seen = new Set<string>();
  const walk = async (at: Target, path: string[]): Promise<string[] | undefined> => {
    const key = `${at.definition.id}@${at.version}`;
    if (seen.has(key) || seen.size >= MAX_FOLLOWED) return undefined;
    seen.add(key);
    for (const step of at.spec.steps) {
      if (!step.workflow) continue;
      const next = await resolve(queries, workspace, step.workflow);
      if (!next) continue;
      const name = next.definition.name;
      if (isSelf(next.definition)) return [...path, name];
      const found = await walk(next, [...path, name]);
      if (found) return found;
    }
    return undefined;
  };
  return walk(from, [from.definition.name]);
}

async function resolve(
  queries: WorkflowQueries,
  workspace: string,
  ref: WorkflowReference,
): Promise<Target | undefined> {
  // a malformed id is the rules' INVALID_FORMAT (ValidateWorkflow resolves anyway)
  if (ref.workflow.case === "id" && !UUID.test(ref.workflow.value)) return undefined;
  const definition =
    ref.workflow.case === "id"
      ? await queries.findById(workspace, ref.workflow.value)
      : ref.workflow.case === "name"
        ? await queries.findLiveByName(workspace, ref.workflow.value.toLowerCase())
        : null;
  if (!definition || definition.deletedAt) return undefined;
  const version = ref.version ?? definition.currentVersion;
  const row = await queries.findVersion(definition.id, version);
  if (!row) return undefined;
  return { definition, version, spec: specFromJson(row.spec) };
}

function describe(ref: WorkflowReference): string {
  const which = ref.workflow.case === "id" ? `id ${ref.workflow.value}` : `"${ref.workflow.value ?? ""}"`;
  return ref.version !== undefined ? `${which} version ${ref.version}` : which;
}
