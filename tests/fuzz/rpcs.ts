import { randomUUID } from "node:crypto";
import type { DescMethod, DescService, JsonObject } from "@bufbuild/protobuf";
import { createClient, type CallOptions } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import {
  ExecutorService,
  RunRetentionService,
  RunStatus,
  ScheduleService,
  SecretService,
  TriggerService,
} from "@mcp/proto/executor";
import { RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import type { TestPlatform } from "../support/platform";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

/** One RPC under test: where it is served and a valid request that would succeed (and write, if it writes). */
export interface Rpc {
  readonly service: DescService;
  readonly method: DescMethod;
  readonly url: string;
  /** Whether a call may write (not NO_SIDE_EFFECTS). */
  readonly writes: boolean;
  /** A fresh valid request in proto JSON form (new names and request ids each time). */
  readonly base: () => JsonObject;
}

/** What the valid requests refer to: created once, before fuzzing. */
export interface Fixtures {
  readonly mcp: string;
  readonly mcpId: string;
  readonly victimMcp: string;
  readonly flow: string;
  readonly victimFlow: string;
  readonly runId: string;
  readonly secret: string;
  readonly trigger: string;
  readonly schedule: string;
  readonly victimSchedule: string;
}

const fresh = (prefix: string) => `${prefix}-${randomUUID().slice(0, 12)}`;

/**
 * Creates the MCPs, workflows, run and secret the requests refer to; waits until the run is over.
 * `options` go with every call (an admin key when authentication is on).
 */
export async function createFixtures(p: TestPlatform, options: CallOptions = {}): Promise<Fixtures> {
  const mcp = fresh("fz-echo");
  const victimMcp = fresh("fz-victim");
  const flow = fresh("fz-flow");
  const victimFlow = fresh("fz-victim-flow");
  const secret = "FZ_FIXTURE";
  const created = await p.clients.registry.createMcp(
    { name: mcp, tags: ["fz"], config: scriptConfig(ECHO_SCRIPT) },
    options,
  );
  await p.clients.registry.createMcp({ name: victimMcp, config: scriptConfig(ECHO_SCRIPT) }, options);
  const spec = {
    inputs: [{ name: "x", required: true }],
    steps: [
      {
        stepId: "s",
        mcp: { mcp: { case: "name" as const, value: mcp } },
        inputs: { text: { source: { case: "workflowInput" as const, value: "x" } } },
      },
    ],
  };
  await p.clients.workflows.createWorkflow({ name: flow, tags: ["fz"], spec }, options);
  await p.clients.workflows.createWorkflow({ name: victimFlow, spec }, options);
  const run = await p.clients.executor.executeWorkflow(
    { workflow: { workflow: { case: "name", value: flow } }, inputs: { x: "fixture" }, wait: true },
    options,
  );
  const runId = run.run!.id;
  await waitFor("the fixture run to finish", async () => {
    const got = await p.clients.executor.getRun({ id: runId }, options);
    return got.run && got.run.status !== RunStatus.PENDING && got.run.status !== RunStatus.RUNNING
      ? true
      : undefined;
  });
  await createSecret(p, secret, options);
  const trigger = `fz-hook-${randomUUID().slice(0, 8)}`;
  const triggers = createClient(TriggerService, createGrpcTransport({ baseUrl: p.executors[0]!.server.url }));
  await triggers.createTrigger(
    { name: trigger, workflow: { workflow: { case: "name", value: flow } } },
    options,
  );
  const schedule = fresh("fz-schedule");
  const victimSchedule = fresh("fz-victim-schedule");
  await createSchedules(p, flow, [schedule, victimSchedule], options);
  return {
    mcp,
    mcpId: created.mcp!.id,
    victimMcp,
    flow,
    victimFlow,
    runId,
    secret,
    schedule,
    victimSchedule,
    trigger,
  };
}

/** A cron expression that fires in 2099 only: the fixture schedules start no runs of their own. */
const FAR_CRON = "0 0 0 1 1 * 2099";

async function createSchedules(
  p: TestPlatform,
  flow: string,
  names: string[],
  options: CallOptions,
): Promise<void> {
  const schedules = createClient(
    ScheduleService,
    createGrpcTransport({ baseUrl: p.executors[0]!.server.url }),
  );
  for (const name of names) {
    await schedules.createSchedule(
      {
        name,
        spec: {
          workflow: { workflow: { case: "name", value: flow } },
          inputs: { x: "fixture" },
          cron: FAR_CRON,
        },
      },
      options,
    );
  }
}

async function createSecret(p: TestPlatform, name: string, options: CallOptions): Promise<void> {
  const secrets = createClient(SecretService, createGrpcTransport({ baseUrl: p.executors[0]!.server.url }));
  await secrets.putSecret({ name, value: "fixture value", description: "fuzz fixture" }, options);
}

/** Valid requests for every RPC of every service, by method name (the RPC × role matrix uses them too). */
export function validRequests(f: Fixtures): Record<string, () => JsonObject> {
  const mcpRef = { name: f.mcp };
  const spec = {
    inputs: [{ name: "x", required: true, defaultValue: "d" }],
    steps: [
      {
        stepId: "s",
        name: "step",
        mcp: { name: f.mcp, label: "latest" },
        inputs: { text: { workflowInput: "x" }, extra: { staticValue: { k: ["v", 1, true] } } },
        timeoutSeconds: 30,
      },
    ],
    outputs: [{ name: "o", stepId: "s", output: "text" }],
  };
  return {
    // registry
    CreateMcp: () => ({
      name: fresh("fz-new"),
      description: "fuzz",
      tags: ["fz"],
      config: { pythonScript: { scriptContent: ECHO_SCRIPT, requirements: [] }, secrets: [] },
      inputSchema: { type: "object", properties: { text: { type: "string" } } },
      changeNote: "created by the fuzz suite",
    }),
    GetMcp: () => ({ ...mcpRef, label: "latest" }),
    ListMcps: () => ({
      pageSize: 10,
      filter: {
        tag: "fz",
        text: "fz",
        type: "MCP_TYPE_PYTHON_SCRIPT",
        types: ["MCP_TYPE_LLM_PROMPT"],
        tags: ["x"],
        labels: ["production"],
        deprecated: false,
      },
      includeFacets: true,
    }),
    UpdateMcp: () => ({
      ...mcpRef,
      updateMask: "description,tags",
      description: "changed",
      tags: ["fz", "x"],
    }),
    DeleteMcp: () => ({ name: f.victimMcp, force: true }),
    ListMcpVersions: () => ({ ...mcpRef, pageSize: 5 }),
    GetMcpVersion: () => ({ id: f.mcpId, version: 1 }),
    DiffMcpVersions: () => ({ ...mcpRef, fromVersion: 1, toVersion: 1 }),
    SetMcpLabel: () => ({ ...mcpRef, label: "production", version: 1, reason: "fuzz" }),
    DeleteMcpLabel: () => ({ ...mcpRef, label: "staging", reason: "fuzz" }),
    ListMcpLabelMoves: () => ({ ...mcpRef, label: "production", pageSize: 5 }),
    DeprecateMcpVersion: () => ({ ...mcpRef, version: 1, message: "use something else" }),
    UndeprecateMcpVersion: () => ({ ...mcpRef, version: 1 }),
    GetMcpStats: () => ({}),
    // workflows
    CreateWorkflow: () => ({
      name: fresh("fz-wf"),
      description: "fuzz",
      tags: ["fz"],
      spec,
      changeNote: "n",
    }),
    GetWorkflow: () => ({ name: f.flow, version: 1 }),
    ListWorkflows: () => ({ pageSize: 10, filter: { tag: "fz", text: "fz", usesMcp: f.mcp } }),
    UpdateWorkflow: () => ({
      name: f.flow,
      updateMask: "description",
      description: "changed",
      changeNote: "n",
    }),
    DeleteWorkflow: () => ({ name: f.victimFlow }),
    ListWorkflowVersions: () => ({ name: f.flow, pageSize: 5 }),
    SetCurrentWorkflowVersion: () => ({ name: f.flow, version: 1 }),
    ValidateWorkflow: () => ({ spec }),
    ListMcpUsages: () => ({ name: f.mcp, currentOnly: true, pageSize: 5 }),
    // executor
    ExecuteWorkflow: () => ({
      workflow: { name: f.flow },
      inputs: { x: "hi", note: { a: [1, "b"] } },
      requestId: fresh("rq"),
    }),
    GetRun: () => ({ id: f.runId }),
    ResolveRunId: () => ({ prefix: f.runId.slice(0, 8) }),
    ListRuns: () => ({
      pageSize: 5,
      filter: { workflow: f.flow, statuses: ["RUN_STATUS_SUCCEEDED"], createdAfter: "2020-01-01T00:00:00Z" },
    }),
    WatchRun: () => ({ id: f.runId }),
    CancelRun: () => ({ id: f.runId, reason: "fuzz" }),
    RunMcp: () => ({ mcp: mcpRef, inputs: { text: "hi" }, requestId: fresh("rq"), waitTimeoutSeconds: 5 }),
    // the fixture run has finished: FAILED_PRECONDITION (RUN_FINISHED) when the request is valid
    SignalRun: () => ({
      runId: f.runId,
      signal: "fz.signal",
      payload: { a: [1, "b"] },
      requestId: fresh("rq"),
    }),
    DecideApproval: () => ({ runId: f.runId, stepId: "s", approve: true, comment: "fuzz" }),
    // a re-run of the finished fixture run from its first step (a new run)
    RerunRun: () => ({ runId: f.runId, fromStepId: "s", requestId: fresh("rq"), waitTimeoutSeconds: 5 }),
    // the fixture run has finished: its step's recorded output, then the end
    TailStepLogs: () => ({ runId: f.runId, stepId: "s", follow: true }),
    GetRunStats: () => ({ windowHours: 24, recentFailuresLimit: 5 }),
    // secrets
    PutSecret: () => ({ name: `FZ_${randomUUID().slice(0, 8).toUpperCase()}`, value: "v", description: "d" }),
    GetSecret: () => ({ name: f.secret }),
    ListSecrets: () => ({ pageSize: 5 }),
    DeleteSecret: () => ({ name: f.secret }),
    RotateSecretsKey: () => ({}),
    // webhook triggers
    CreateTrigger: () => ({
      name: `fz-hook-${randomUUID().slice(0, 12)}`,
      description: "fuzz",
      workflow: { name: f.flow, version: 1 },
      inputPaths: { x: "payload.x" },
      ratePerMinute: 60,
      burst: 5,
    }),
    GetTrigger: () => ({ name: f.trigger }),
    ListTriggers: () => ({ pageSize: 5 }),
    DeleteTrigger: () => ({ name: f.trigger }),
    RotateTriggerSecret: () => ({ name: f.trigger }),
    // retention: ten years, so even an accepted mutation deletes none of the suite's runs
    PruneRuns: () => ({ olderThan: "315360000s", dryRun: true }),
    // schedules
    CreateSchedule: () => ({
      name: fresh("fz-sch"),
      spec: {
        description: "fuzz",
        workflow: { name: f.flow, version: 1 },
        inputs: { x: "hi" },
        cron: FAR_CRON,
        timeZone: "Europe/Berlin",
        overlapPolicy: "OVERLAP_POLICY_BUFFER_ONE",
        catchUpWindow: "90s",
      },
    }),
    GetSchedule: () => ({ name: f.schedule }),
    ListSchedules: () => ({ pageSize: 5, workflow: f.flow }),
    UpdateSchedule: () => ({
      name: f.schedule,
      updateMask: "description,cron",
      spec: { description: "d", cron: FAR_CRON },
    }),
    PauseSchedule: () => ({ name: f.schedule, reason: "fuzz" }),
    ResumeSchedule: () => ({ name: f.schedule }),
    DeleteSchedule: () => ({ name: f.victimSchedule }),
    TriggerSchedule: () => ({ name: f.schedule, requestId: fresh("rq") }),
    // access and audit
    WhoAmI: () => ({}),
    ListMembers: () => ({ pageSize: 5 }),
    AddMember: () => ({ email: `${fresh("fz")}@example.com`, role: "ROLE_VIEWER" }),
    UpdateMember: () => ({ email: "fz-member@example.com", role: "ROLE_EDITOR" }),
    RemoveMember: () => ({ email: "fz-member@example.com" }),
    ListAuditEvents: () => ({ pageSize: 5, filter: { method: "CreateMcp" } }),
  };
}

/** Every RPC of the registry, workflows and executor (runs, secrets, triggers, retention), with its valid request. */
export function rpcsOf(p: TestPlatform, f: Fixtures): Rpc[] {
  const byName = validRequests(f);
  const executor = p.executors[0]!.server.url;
  const served: [DescService, string][] = [
    [RegistryService, p.registry.url],
    [WorkflowService, p.workflows.server.url],
    [ExecutorService, executor],
    [SecretService, executor],
    [ScheduleService, executor],
    [TriggerService, executor],
    [RunRetentionService, executor],
  ];
  return served.flatMap(([service, url]) =>
    service.methods.map((method) => {
      const base = byName[method.name];
      if (!base) throw new Error(`no valid request for ${service.typeName}/${method.name}`);
      return {
        service,
        method,
        url,
        writes: method.idempotency !== MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS,
        base,
      };
    }),
  );
}
