import { randomUUID } from "node:crypto";
import { clone, create, type JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import { stepRow, type ClaimAtCreate, type RunStore, type RunQueries, type WorkflowRunEntity } from "@mcp/db";
import { AlreadyExistsError } from "@mcp/errors";
import type { McpReference } from "@mcp/proto/registry";
import {
  ExecutionMode,
  StepInputSchema,
  StepSchema,
  WorkflowReferenceSchema,
  WorkflowSpecSchema,
  type Step,
  type WorkflowReference,
  type WorkflowSpec,
} from "@mcp/proto/workflows";
import { contentHash } from "@mcp/versioning";
import { mcpKey, type Definitions, type Resolver } from "../definitions/definitions.js";
import type { JsonObject, PinnedMcp } from "../step/index.js";
import { typeName } from "./type-names.js";
import { encodePlan, MCP_RUN_STEP_ID, type StoredPlan } from "./plan-codec.js";
import { resolveInputs } from "./workflow-inputs.js";
import { callsMcp, waitColumns } from "./wait-rows.js";
import { concurrencyKeyOf } from "./concurrency-key.js";

/** A created (or found again) run. */
export interface Started {
  readonly run: WorkflowRunEntity;
  readonly created: boolean;
}

/**
 * Creates runs: resolves and pins the definitions (workflow version, each step's MCP version, labels
 * resolved now), checks the inputs, and writes the run and its pending steps in one transaction.
 * A repeated `request_id` returns the earlier run; the same key for a different request is ALREADY_EXISTS.
 */
export class RunStarter {
  constructor(
    private readonly definitions: Definitions,
    private readonly store: RunStore,
    private readonly queries: RunQueries,
  ) {}

  async workflow(
    ref: WorkflowReference,
    given: JsonObject,
    requestId: string,
    parentRunId: string | null = null,
    claim?: ClaimAtCreate,
    parentStepId: string | null = null,
  ): Promise<Started> {
    const requestHash = contentHash({
      workflow: [ref.workflow.case ?? "", ref.workflow.value ?? "", ref.version ?? 0],
      inputs: given,
    });
    const earlier = await this.earlier(requestId, requestHash);
    if (earlier) return earlier;
    const defs = await this.definitions.current();
    const workflow = await defs.workflow(ref);
    const inputs = resolveInputs(workflow.spec, given);
    const concurrencyKey = concurrencyKeyOf(workflow.spec, inputs);
    // sub-workflow steps: their workflow versions are pinned now (their MCPs when the child starts)
    const spec = await pinSubWorkflows(defs, workflow.spec);
    const mcps = await pinSteps(
      defs,
      // sleep, wait_for_signal and approval steps call no MCP
      workflow.spec.steps.filter(callsMcp).map((s) => ({ stepId: s.stepId, ref: s.mcp })),
    );
    const plan = encodePlan(spec, mcps, requestHash, await pinTools(defs, mcps));
    return this.insert(requestId, requestHash, plan, inputs, workflow.spec.steps, mcps, claim, {
      kind: "workflow",
      parentRunId,
      parentStepId,
      workflowId: workflow.id,
      workflowName: workflow.name,
      workflowVersion: workflow.version,
      mcpId: null,
      mcpName: null,
      mcpVersion: null,
      ...(concurrencyKey !== null ? { concurrencyKey } : {}),
    });
  }

  /** A one-step run of a single MCP; its inputs go to the MCP unchanged and its outputs are the run's. */
  async mcp(
    ref: McpReference,
    given: JsonObject,
    requestId: string,
    claim?: ClaimAtCreate,
  ): Promise<Started> {
    const requestHash = contentHash({
      mcp: [ref.mcp.case ?? "", ref.mcp.value ?? "", ref.selector.case ?? "", ref.selector.value ?? ""],
      inputs: given,
    });
    const earlier = await this.earlier(requestId, requestHash);
    if (earlier) return earlier;
    const defs = await this.definitions.current();
    const pinned = await defs.mcp(ref);
    const spec = create(WorkflowSpecSchema, {
      executionMode: ExecutionMode.SEQUENTIAL,
      inputs: Object.keys(given).map((name) => ({ name })),
      steps: [
        create(StepSchema, {
          stepId: MCP_RUN_STEP_ID,
          mcp: {
            mcp: { case: "id", value: pinned.id },
            selector: { case: "version", value: pinned.version },
          },
          inputs: Object.fromEntries(
            Object.keys(given).map((name) => [
              name,
              create(StepInputSchema, { source: { case: "workflowInput", value: name } }),
            ]),
          ),
        }),
      ],
    });
    const mcps = new Map([[MCP_RUN_STEP_ID, pinned]]);
    return this.insert(
      requestId,
      requestHash,
      encodePlan(spec, mcps, requestHash, await pinTools(defs, mcps)),
      given,
      spec.steps,
      mcps,
      claim,
      {
        kind: "mcp",
        parentRunId: null,
        parentStepId: null,
        workflowId: null,
        workflowName: null,
        workflowVersion: null,
        mcpId: pinned.id,
        mcpName: pinned.name,
        mcpVersion: pinned.version,
      },
    );
  }

  /** A fallback run: the named workflow's current version, the same inputs, linked to the failed run. */
  async fallback(parent: WorkflowRunEntity, workflowName: string, claim?: ClaimAtCreate): Promise<Started> {
    const ref = create(WorkflowReferenceSchema, { workflow: { case: "name", value: workflowName } });
    return this.workflow(ref, parent.inputs, `fallback:${parent.id}`, parent.id, claim, null);
  }

  /**
   * The child run of a parent's sub-workflow step (attempt `attempt`): the step's pinned workflow,
   * linked both ways, its MCPs pinned now. Idempotent: one child per (parent run, step, attempt),
   * whatever crash came between creating it and recording it on the step.
   */
  async subWorkflow(
    parent: WorkflowRunEntity,
    stepId: string,
    attempt: number,
    ref: WorkflowReference,
    inputs: JsonObject,
    claim?: ClaimAtCreate,
  ): Promise<Started> {
    return this.workflow(ref, inputs, `sub:${parent.id}:${stepId}:${attempt}`, parent.id, claim, stepId);
  }

  private async earlier(requestId: string, requestHash: string): Promise<Started | undefined> {
    if (!requestId) return undefined;
    const run = await this.queries.findByRequestId(requestId);
    if (!run) return undefined;
    if ((run.plan as StoredPlan | null)?.requestHash !== requestHash) {
      throw new AlreadyExistsError(
        "run request",
        requestId,
        `run ${run.id} was started with this request_id for a different request`,
      );
    }
    return { run, created: false };
  }

  private async insert(
    requestId: string,
    requestHash: string,
    plan: StoredPlan,
    inputs: JsonObject,
    specSteps: readonly Step[],
    mcps: ReadonlyMap<string, PinnedMcp>,
    claim: ClaimAtCreate | undefined,
    what: Pick<
      WorkflowRunEntity,
      | "kind"
      | "parentRunId"
      | "parentStepId"
      | "workflowId"
      | "workflowName"
      | "workflowVersion"
      | "mcpId"
      | "mcpName"
      | "mcpVersion"
    > & { readonly concurrencyKey?: string },
  ): Promise<Started> {
    const id = randomUUID();
    const now = new Date();
    const steps = specSteps.map((step, position) => {
      const m = mcps.get(step.stepId);
      return stepRow({
        id: randomUUID(),
        runId: id,
        stepId: step.stepId,
        position,
        status: "pending",
        ...(m ? { mcpId: m.id, mcpName: m.name, mcpVersion: m.version, mcpType: typeName(m.type) } : {}),
        ...waitColumns(step),
        updatedAt: now,
      });
    });
    const result = await this.store.create(
      {
        run: {
          id,
          ...what,
          status: "pending",
          inputs: inputs,
          outputs: null,
          error: null,
          requestId: requestId || null,
          plan: plan as unknown as PbJsonObject,
          fallbackRunId: null,
          createdAt: now,
          updatedAt: now,
        },
        steps,
      },
      claim,
    );
    if (!result.created && (result.run.plan as StoredPlan | null)?.requestHash !== requestHash) {
      throw new AlreadyExistsError(
        "run request",
        requestId,
        `run ${result.run.id} was started with this request_id for a different request`,
      );
    }
    return result;
  }
}

/** The spec with each `workflow` step's reference pinned to the workflow's id and current version. */
async function pinSubWorkflows(defs: Resolver, spec: WorkflowSpec): Promise<WorkflowSpec> {
  if (!spec.steps.some((s) => s.workflow)) return spec;
  const pinned = clone(WorkflowSpecSchema, spec);
  for (const step of pinned.steps) {
    if (!step.workflow) continue;
    const child = await defs.workflow(step.workflow);
    step.workflow = create(WorkflowReferenceSchema, {
      workflow: { case: "id", value: child.id },
      version: child.version,
    });
  }
  return pinned;
}

/** Pins every step's MCP; steps naming the same MCP the same way share one lookup. */
async function pinSteps(
  defs: Resolver,
  steps: ReadonlyArray<{ stepId: string; ref: McpReference | undefined }>,
): Promise<Map<string, PinnedMcp>> {
  const lookups = new Map<string, Promise<PinnedMcp>>();
  const pinned = await Promise.all(
    steps.map(async (s) => {
      const ref = s.ref ?? ({ mcp: { case: undefined }, selector: { case: undefined } } as McpReference);
      const key = mcpKey(ref);
      let lookup = lookups.get(key);
      if (!lookup) {
        lookup = defs.mcp(ref, s.stepId);
        lookups.set(key, lookup);
      }
      return [s.stepId, await lookup] as const;
    }),
  );
  return new Map(pinned);
}

/** The tools of every ai_assistant step, pinned now like the steps themselves. */
async function pinTools(
  defs: Resolver,
  mcps: ReadonlyMap<string, PinnedMcp>,
): Promise<Map<string, PinnedMcp[]>> {
  const tools = new Map<string, PinnedMcp[]>();
  for (const [stepId, mcp] of mcps) {
    if (mcp.config.kind.case !== "aiAssistant") continue;
    tools.set(stepId, await Promise.all(mcp.config.kind.value.tools.map((ref) => defs.mcp(ref, stepId))));
  }
  return tools;
}
