import type { DescMethod, DescService, MessageShape } from "@bufbuild/protobuf";
import type { GenService, GenServiceMethods } from "@bufbuild/protobuf/codegenv2";
import {
  ExecutorService,
  RunRetentionService,
  ScheduleService,
  SecretService,
  TriggerService,
} from "@mcp/proto/executor";
import { AccessService, AuditService, RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import type { Role } from "./identity.js";

/** What a method needs: a role in the call's workspace, or only a valid credential (`authenticated`). */
export type Requirement = Role | "authenticated";

/** A method's entry: a fixed requirement, or one that depends on the request (e.g. which label moves). */
export type Rule<M = unknown> = Requirement | ((request: M | undefined) => Requirement);

/** Services anyone may call (probes, tooling), authenticated or not. */
export const OPEN_SERVICES: ReadonlySet<string> = new Set([
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
]);

/** The label only admins may move: what `summarize@production` runs. */
export const PROTECTED_LABEL = "production";

const labelRule = (request: { label: string } | undefined): Requirement =>
  request?.label === PROTECTED_LABEL ? "admin" : "editor";

type Rules<S extends GenServiceMethods> = {
  readonly [K in keyof S]: Rule<MessageShape<S[K]["input"]>>;
};

/** One service's entries; the type makes every method of the service need one. */
function rules<S extends GenServiceMethods>(
  service: GenService<S>,
  table: Rules<S>,
): [string, ReadonlyMap<string, Rule>] {
  const byName = new Map<string, Rule>();
  for (const [key, rule] of Object.entries(table) as [keyof S & string, Rule][]) {
    byName.set(service.method[key].name, rule);
  }
  return [service.typeName, byName];
}

/**
 * THE policy (docs/adr/022): every RPC of every service → what it needs. Roles: viewer reads; editor
 * writes definitions (MCPs, workflows, schedules, versions, labels other than `production`); operator
 * runs and steers work; admin does everything, and alone moves `production`, touches secrets, members,
 * webhook triggers (they hold signing secrets), run retention and the audit log. Reads need `viewer`:
 * with authentication on, nothing of a workspace is visible to a caller without a role in it.
 *
 * One request-dependent check lives outside this table because it depends on stored state: writing
 * an MCP version whose merged config asks for network egress or secrets needs admin (the registry's
 * McpWriter calls {@link requireRole}).
 */
export const POLICY: ReadonlyMap<string, ReadonlyMap<string, Rule>> = new Map([
  rules(RegistryService, {
    createMcp: "editor",
    getMcp: "viewer",
    listMcps: "viewer",
    updateMcp: "editor",
    deleteMcp: "editor",
    listMcpVersions: "viewer",
    getMcpVersion: "viewer",
    diffMcpVersions: "viewer",
    setMcpLabel: labelRule,
    deleteMcpLabel: labelRule,
    listMcpLabelMoves: "viewer",
    deprecateMcpVersion: "editor",
    undeprecateMcpVersion: "editor",
    getMcpStats: "viewer",
  }),
  rules(AccessService, {
    whoAmI: "authenticated",
    listMembers: "admin",
    addMember: "admin",
    updateMember: "admin",
    removeMember: "admin",
  }),
  rules(AuditService, { listAuditEvents: "admin" }),
  rules(WorkflowService, {
    createWorkflow: "editor",
    getWorkflow: "viewer",
    listWorkflows: "viewer",
    updateWorkflow: "editor",
    deleteWorkflow: "editor",
    listWorkflowVersions: "viewer",
    setCurrentWorkflowVersion: "editor",
    validateWorkflow: "viewer",
    listMcpUsages: "viewer",
  }),
  rules(ExecutorService, {
    executeWorkflow: "operator",
    getRun: "viewer",
    listRuns: "viewer",
    watchRun: "viewer",
    cancelRun: "operator",
    runMcp: "operator",
    signalRun: "operator",
    decideApproval: "operator",
    rerunRun: "operator",
    tailStepLogs: "viewer",
    getRunStats: "viewer",
    resolveRunId: "viewer",
  }),
  rules(ScheduleService, {
    createSchedule: "operator",
    getSchedule: "viewer",
    listSchedules: "viewer",
    updateSchedule: "operator",
    pauseSchedule: "operator",
    resumeSchedule: "operator",
    deleteSchedule: "operator",
    triggerSchedule: "operator",
  }),
  rules(SecretService, {
    putSecret: "admin",
    getSecret: "admin",
    listSecrets: "admin",
    deleteSecret: "admin",
    rotateSecretsKey: "admin",
  }),
  rules(TriggerService, {
    createTrigger: "admin",
    getTrigger: "admin",
    listTriggers: "admin",
    deleteTrigger: "admin",
    rotateTriggerSecret: "admin",
  }),
  rules(RunRetentionService, { pruneRuns: "admin" }),
]);

/** The policy's entry for `method`, or undefined when it has none (then {@link requirementOf} says admin). */
export function ruleOf(method: DescMethod): Rule | undefined {
  return POLICY.get(method.parent.typeName)?.get(method.name);
}

/**
 * What a call of `method` with `request` needs; undefined for the open services (health, reflection).
 * A method the policy does not list needs `admin` (fail closed; the RPC × role test names it).
 */
export function requirementOf(method: DescMethod, request: unknown): Requirement | undefined {
  if (OPEN_SERVICES.has(method.parent.typeName)) return undefined;
  const rule = ruleOf(method);
  if (rule === undefined) return "admin";
  return typeof rule === "function" ? rule(request) : rule;
}

/** Every service the policy covers, by type name (for tests and docs). */
export function policyServices(): readonly DescService["typeName"][] {
  return [...POLICY.keys()];
}
