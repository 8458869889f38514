import { randomUUID } from "node:crypto";
import { clone, create, type JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import {
  stepRow,
  type ClaimAtCreate,
  type RunStore,
  type RunQueries,
  type StepRunEntity,
  type WorkflowRunEntity,
} from "@mcp/db";
import { AlreadyExistsError, NotFoundError } from "@mcp/errors";
import type { McpReference } from "@mcp/proto/registry";
import {
  ExecutionMode,
  StepInputSchema,
  StepSchema,
  WorkflowReferenceSchema,
  WorkflowSpecSchema,
  type WorkflowReference,
  type WorkflowSpec,
} from "@mcp/proto/workflows";
import { contentHash } from "@mcp/versioning";
import { mcpKey, type Definitions, type Resolver } from "../definitions/definitions.js";
import type { JsonObject, JsonValue, PinnedMcp } from "../step/index.js";
import { typeName } from "./type-names.js";
import {
  encodePlan,
  MCP_RUN_STEP_ID,
  runPlanOf,
  type DecodedPlan,
  type PlanParts,
  type StoredPlan,
} from "./plan-codec.js";
import { planRerun } from "./rerun-plan.js";
import { resolveInputs } from "./workflow-inputs.js";
import { callsMcp, waitColumns } from "./wait-rows.js";
import { concurrencyKeyOf } from "./concurrency-key.js";
import { runCreateSpan } from "./run-spans.js";
import { currentOrNewTraceparent, inSpan, type CallAudit } from "@mcp/runtime";

/**
 * What started a run besides a caller, recorded on it: a webhook trigger and its delivery id, or a
 * schedule and its tick.
 */
export type RunOrigin = Partial<
  Pick<WorkflowRunEntity, "triggerName" | "triggerDeliveryId" | "scheduleId" | "scheduleTickAt">
>;

/** The schedule and tick a run was started by. */
export interface ScheduleOrigin {
  readonly scheduleId: string;
  readonly scheduleTickAt: Date;
}

/** The request id of the run of a schedule's tick (`kind` `cron` or `manual`). */
export const scheduleRequestId = (scheduleId: string, kind: string, tickAt: Date): string =>
  `schedule:${scheduleId}:${kind}:${tickAt.toISOString()}`;

/**
 * A run to be created already claimed by this executor (RunWorker.reserve): the claim, and the id the
 * run gets, chosen first so that its Redis lock is taken while it is created.
 */
export interface ClaimedCreate extends ClaimAtCreate {
  readonly runId: string;
}

/** A created (or found again) run. */
export interface Started {
  readonly run: WorkflowRunEntity;
  readonly created: boolean;
  /** Set when the run was created here: its plan as the driver runs it, from the parts it was stored from. */
  readonly plan?: DecodedPlan;
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
    /** The call this starter creates a run for, whose audit record the run's creation carries. */
    private readonly audit?: CallAudit,
  ) {}

  /**
   * This starter for one call (ExecuteWorkflow, RunMcp, RerunRun): the run it creates carries the
   * call's audit record, committed in the run's creation statement (docs/adr/035). A repeated
   * request that creates nothing leaves the record to the audit interceptor.
   */
  forCall(audit: CallAudit | undefined): RunStarter {
    return audit ? new RunStarter(this.definitions, this.store, this.queries, audit) : this;
  }

  /** A run of a workflow of `workspace`, in that workspace (its MCPs and sub-workflows resolved there). */
  async workflow(
    workspace: string,
    ref: WorkflowReference,
    given: JsonObject,
    requestId: string,
    parentRunId: string | null = null,
    claim?: ClaimedCreate,
    parentStepId: string | null = null,
    /** A sub-workflow step's `timeout_seconds`: the run's timeout is at most this. */
    timeoutSeconds?: number,
    origin: RunOrigin = {},
  ): Promise<Started> {
    const requestHash = requestHashOf(requestId, () => ({
      workflow: [ref.workflow.case ?? "", ref.workflow.value ?? "", ref.version ?? 0],
      inputs: given,
    }));
    const first = await this.earlierOrDefinitions(workspace, requestId, requestHash);
    if ("earlier" in first) return first.earlier;
    const { defs } = first;
    const workflow = await defs.workflow(ref);
    const inputs = resolveInputs(workflow.spec, given);
    const concurrencyKey = concurrencyKeyOf(workflow.spec, inputs);
    // sub-workflow steps: their workflow versions are pinned now (their MCPs when the child starts)
    const spec = bounded(await pinSubWorkflows(defs, workflow.spec), timeoutSeconds);
    const mcps = await pinSteps(
      defs,
      // sleep, wait_for_signal and approval steps call no MCP
      workflow.spec.steps.filter(callsMcp).map((s) => ({ stepId: s.stepId, ref: s.mcp })),
    );
    const parts = { spec, mcps, tools: await pinTools(defs, mcps) };
    return this.insert(requestId, requestHash, parts, inputs, claim, {
      ...origin,
      workspace,
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

  /**
   * The run of a schedule's tick: its workflow and inputs, linked to the schedule and the tick. The
   * request id is derived from (schedule, tick), so a tick never makes two runs, whichever executors
   * fire it and however often.
   */
  async scheduled(
    workspace: string,
    ref: WorkflowReference,
    inputs: JsonObject,
    origin: ScheduleOrigin & { readonly kind: string },
    claim?: ClaimedCreate,
  ): Promise<Started> {
    const requestId = scheduleRequestId(origin.scheduleId, origin.kind, origin.scheduleTickAt);
    return this.workflow(workspace, ref, inputs, requestId, null, claim, null, undefined, {
      scheduleId: origin.scheduleId,
      scheduleTickAt: origin.scheduleTickAt,
    });
  }

  /** A one-step run of a single MCP; its inputs go to the MCP unchanged and its outputs are the run's. */
  async mcp(
    workspace: string,
    ref: McpReference,
    given: JsonObject,
    requestId: string,
    claim?: ClaimedCreate,
  ): Promise<Started> {
    const requestHash = requestHashOf(requestId, () => ({
      mcp: [ref.mcp.case ?? "", ref.mcp.value ?? "", ref.selector.case ?? "", ref.selector.value ?? ""],
      inputs: given,
    }));
    const first = await this.earlierOrDefinitions(workspace, requestId, requestHash);
    if ("earlier" in first) return first.earlier;
    const { defs } = first;
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
      { spec, mcps, tools: await pinTools(defs, mcps) },
      given,
      claim,
      {
        workspace,
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

  /** A fallback run: the named workflow's current version, the same inputs, linked to the failed run, in its workspace. */
  async fallback(parent: WorkflowRunEntity, workflowName: string, claim?: ClaimedCreate): Promise<Started> {
    const ref = create(WorkflowReferenceSchema, { workflow: { case: "name", value: workflowName } });
    return this.workflow(
      parent.workspace,
      ref,
      parent.inputs,
      `fallback:${parent.id}`,
      parent.id,
      claim,
      null,
    );
  }

  /**
   * The child run of a parent's sub-workflow step (attempt `attempt`): the step's pinned workflow,
   * linked both ways, its MCPs pinned now. Idempotent: one child per (parent run, step, attempt),
   * whatever crash came between creating it and recording it on the step. `timeoutSeconds` (the
   * step's) lowers the child's run timeout to at most that.
   */
  async subWorkflow(
    parent: WorkflowRunEntity,
    stepId: string,
    attempt: number,
    ref: WorkflowReference,
    inputs: JsonObject,
    claim?: ClaimedCreate,
    timeoutSeconds?: number,
  ): Promise<Started> {
    const requestId = `sub:${parent.id}:${stepId}:${attempt}`;
    return this.workflow(parent.workspace, ref, inputs, requestId, parent.id, claim, stepId, timeoutSeconds);
  }

  /**
   * A re-run of the finished run `oldRunId` from `fromStepId` (rerun-plan.ts): a new run, linked to the
   * old one through its plan, whose reused steps are recorded at creation; the old run is unchanged.
   */
  async rerun(
    workspace: string,
    oldRunId: string,
    fromStepId: string,
    resolveLabel: string,
    requestId: string,
    claim?: ClaimedCreate,
  ): Promise<Started> {
    const requestHash = requestHashOf(requestId, () => ({ rerun: [oldRunId, fromStepId, resolveLabel] }));
    const first = await this.earlierOrDefinitions(workspace, requestId, requestHash);
    if ("earlier" in first) return first.earlier;
    const { defs } = first;
    const found = await this.queries.runWithSteps(workspace, oldRunId);
    if (!found) throw new NotFoundError("run", oldRunId).about("run_id");
    const old = found.run;
    const planned = await planRerun(defs, old, found.steps, fromStepId, resolveLabel);
    const mcpRun = old.kind === "mcp" ? planned.parts.mcps.get(MCP_RUN_STEP_ID) : undefined;
    return this.insert(
      requestId,
      requestHash,
      planned.parts,
      old.inputs,
      claim,
      {
        workspace,
        kind: old.kind,
        // a re-run is a caller's run: not the child of the old run's parent
        parentRunId: null,
        parentStepId: null,
        workflowId: old.workflowId,
        workflowName: old.workflowName,
        workflowVersion: old.workflowVersion,
        mcpId: old.mcpId,
        mcpName: old.mcpName,
        mcpVersion: mcpRun?.version ?? old.mcpVersion,
      },
      planned.reused,
    );
  }

  /**
   * The run an earlier request with `requestId` started, or else the definitions as of this call.
   * Both are read at once (a PostgreSQL lookup, a cache read), so a request with an id waits for one
   * round trip, not two in a row; for a repeated request the definitions do not matter, nor does a
   * failure to read them (it still gets its run).
   */
  private async earlierOrDefinitions(
    workspace: string,
    requestId: string,
    requestHash: string,
  ): Promise<{ readonly earlier: Started } | { readonly defs: Resolver }> {
    const defs = this.definitions.current(workspace);
    // awaited below only when there is no earlier run; never an unhandled rejection otherwise
    void defs.catch(() => undefined);
    const earlier = await this.earlier(workspace, requestId, requestHash);
    return earlier ? { earlier } : { defs: await defs };
  }

  private async earlier(
    workspace: string,
    requestId: string,
    requestHash: string,
  ): Promise<Started | undefined> {
    if (!requestId) return undefined;
    const run = await this.queries.findByRequestId(workspace, requestId);
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

  /**
   * Writes the run planned by `parts` (stored encoded) with a row for each step of its spec; a run
   * created here comes back with its plan as the driver runs it, from `parts`: not decoded again.
   */
  private async insert(
    requestId: string,
    requestHash: string,
    parts: PlanParts,
    inputs: JsonObject,
    claim: ClaimedCreate | undefined,
    what: RunOrigin & { readonly concurrencyKey?: string } & Pick<
        WorkflowRunEntity,
        | "workspace"
        | "kind"
        | "parentRunId"
        | "parentStepId"
        | "workflowId"
        | "workflowName"
        | "workflowVersion"
        | "mcpId"
        | "mcpName"
        | "mcpVersion"
      >,
    /** Old rows of a re-run's reused steps: recorded as they ended, under the new run. */
    reused: ReadonlyMap<string, StepRunEntity> = new Map(),
  ): Promise<Started> {
    const id = claim?.runId ?? randomUUID();
    const now = new Date();
    const plan = encodePlan(parts, requestHash);
    const steps = parts.spec.steps.map((step, position) => {
      const old = reused.get(step.stepId);
      if (old)
        return { ...old, id: randomUUID(), runId: id, position, parentStepRunId: null, updatedAt: now };
      const m = parts.mcps.get(step.stepId);
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
    // the run's trace: this span (under the caller's RPC span, a parent run's step, or a new root)
    // is the parent of every span an executor records while driving the run (run-spans.ts)
    const result = await inSpan(runCreateSpan(id, what), () =>
      this.store.create(
        {
          run: {
            id,
            ...what,
            traceParent: currentOrNewTraceparent(),
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
          ...(this.audit ? { audit: this.audit.record() } : {}),
        },
        claim,
      ),
    );
    if (result.audited) this.audit?.written();
    if (!result.created && (result.run.plan as StoredPlan | null)?.requestHash !== requestHash) {
      throw new AlreadyExistsError(
        "run request",
        requestId,
        `run ${result.run.id} was started with this request_id for a different request`,
      );
    }
    // the run's inputs as stored (and as a resume reads them)
    return result.created ? { ...result, plan: runPlanOf(parts, result.run) } : result;
  }
}

/**
 * The fingerprint of a request with `requestId` (the hash of its canonical JSON), which tells a retry
 * from a different request under the same id; "" for a request without one, which nothing compares
 * (hashing its inputs would cost their size in CPU for nothing).
 */
function requestHashOf(requestId: string, request: () => JsonValue): string {
  return requestId ? contentHash(request()) : "";
}

/** The spec with its run timeout lowered to `seconds` (a sub-workflow step's limit), if that is lower. */
function bounded(spec: WorkflowSpec, seconds: number | undefined): WorkflowSpec {
  if (seconds === undefined || (spec.timeoutSeconds !== undefined && spec.timeoutSeconds <= seconds))
    return spec;
  const limited = clone(WorkflowSpecSchema, spec);
  limited.timeoutSeconds = seconds;
  return limited;
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
