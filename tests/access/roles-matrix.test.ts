/**
 * Every RPC of every service × every role, through the real servers with a key of each role: the
 * role needed is stated here, independently of the policy table, and a served RPC missing from this
 * table (or from the policy's valid requests) fails the suite. Allowed calls may fail for other
 * reasons (NOT_FOUND, FAILED_PRECONDITION, ...) but never with PERMISSION_DENIED or UNAUTHENTICATED;
 * denied calls are PERMISSION_DENIED naming the role needed and the caller's; calls without a key are
 * UNAUTHENTICATED. Services are found through each server's reflection, so a new service counts too.
 */
import {
  fromJson,
  type DescMethod,
  type DescMethodStreaming,
  type DescMethodUnary,
  type DescService,
  type JsonObject,
} from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createContextValues, type Transport } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import * as executorProto from "@mcp/proto/executor";
import { reflectionV1 } from "@mcp/proto/grpc";
import * as registryProto from "@mcp/proto/registry";
import * as workflowsProto from "@mcp/proto/workflows";
import { OPEN_SERVICES, ROLES, roleAllows, type Role } from "@mcp/runtime";
import { createFixtures, validRequests, type Fixtures } from "../fuzz/rpcs";
import { bearer, startKeyedPlatform, type KeyedPlatform } from "./platform-keys";

type Needed = Role | "authenticated";

/** What each RPC needs (the request used is the fuzz suite's valid one; SetMcpLabel's moves `production`). */
const EXPECTED: Readonly<Record<string, Needed>> = {
  "RegistryService/CreateMcp": "editor",
  "RegistryService/GetMcp": "viewer",
  "RegistryService/ListMcps": "viewer",
  "RegistryService/UpdateMcp": "editor",
  "RegistryService/DeleteMcp": "editor",
  "RegistryService/ListMcpVersions": "viewer",
  "RegistryService/GetMcpVersion": "viewer",
  "RegistryService/DiffMcpVersions": "viewer",
  "RegistryService/SetMcpLabel": "admin",
  "RegistryService/DeleteMcpLabel": "editor",
  "RegistryService/ListMcpLabelMoves": "viewer",
  "RegistryService/DeprecateMcpVersion": "editor",
  "RegistryService/UndeprecateMcpVersion": "editor",
  "RegistryService/GetMcpStats": "viewer",
  "AccessService/WhoAmI": "authenticated",
  "AccessService/ListMembers": "admin",
  "AccessService/AddMember": "admin",
  "AccessService/UpdateMember": "admin",
  "AccessService/RemoveMember": "admin",
  "AuditService/ListAuditEvents": "admin",
  "WorkspaceService/CreateWorkspace": "admin",
  "WorkspaceService/GetWorkspace": "viewer",
  "WorkspaceService/ListWorkspaces": "viewer",
  "WorkspaceService/DeleteWorkspace": "admin",
  "WorkflowService/CreateWorkflow": "editor",
  "WorkflowService/GetWorkflow": "viewer",
  "WorkflowService/ListWorkflows": "viewer",
  "WorkflowService/UpdateWorkflow": "editor",
  "WorkflowService/DeleteWorkflow": "editor",
  "WorkflowService/ListWorkflowVersions": "viewer",
  "WorkflowService/SetCurrentWorkflowVersion": "editor",
  "WorkflowService/ValidateWorkflow": "viewer",
  "WorkflowService/ListMcpUsages": "viewer",
  "ExecutorService/ExecuteWorkflow": "operator",
  "ExecutorService/GetRun": "viewer",
  "ExecutorService/ListRuns": "viewer",
  "ExecutorService/WatchRun": "viewer",
  "ExecutorService/CancelRun": "operator",
  "ExecutorService/RunMcp": "operator",
  "ExecutorService/SignalRun": "operator",
  "ExecutorService/DecideApproval": "operator",
  "ExecutorService/RerunRun": "operator",
  "ExecutorService/TailStepLogs": "viewer",
  "ExecutorService/GetRunStats": "viewer",
  "ExecutorService/ResolveRunId": "viewer",
  "ScheduleService/CreateSchedule": "operator",
  "ScheduleService/GetSchedule": "viewer",
  "ScheduleService/ListSchedules": "viewer",
  "ScheduleService/UpdateSchedule": "operator",
  "ScheduleService/PauseSchedule": "operator",
  "ScheduleService/ResumeSchedule": "operator",
  "ScheduleService/DeleteSchedule": "operator",
  "ScheduleService/TriggerSchedule": "operator",
  "SecretService/PutSecret": "admin",
  "SecretService/GetSecret": "admin",
  "SecretService/ListSecrets": "admin",
  "SecretService/DeleteSecret": "admin",
  "SecretService/RotateSecretsKey": "admin",
  "TriggerService/CreateTrigger": "admin",
  "TriggerService/GetTrigger": "admin",
  "TriggerService/ListTriggers": "admin",
  "TriggerService/DeleteTrigger": "admin",
  "TriggerService/RotateTriggerSecret": "admin",
  "RunRetentionService/PruneRuns": "admin",
};

/** Every generated service descriptor of the platform, by type name. */
const DESCRIPTORS: ReadonlyMap<string, DescService> = new Map(
  [registryProto, workflowsProto, executorProto]
    .flatMap((module): unknown[] => Object.values(module))
    .filter(
      (v): v is DescService => typeof v === "object" && v !== null && (v as DescService).kind === "service",
    )
    .map((s) => [s.typeName, s]),
);

/** The services a server serves, through its reflection (health and reflection left out). */
async function servedServices(transport: Transport): Promise<string[]> {
  const reflection = createClient(reflectionV1.ServerReflection, transport);
  async function* ask() {
    yield { messageRequest: { case: "listServices" as const, value: "" } };
  }
  for await (const res of reflection.serverReflectionInfo(ask())) {
    if (res.messageResponse.case !== "listServicesResponse") throw new Error("no service list");
    return res.messageResponse.value.service.map((s) => s.name).filter((n) => !OPEN_SERVICES.has(n));
  }
  throw new Error("reflection answered nothing");
}

/** Calls `method` with `json` and returns the code it ended with (0 for OK). */
async function codeOf(
  transport: Transport,
  method: DescMethod,
  json: JsonObject,
  token?: string,
): Promise<Code | 0> {
  const header = new Headers(token ? bearer(token).headers : {});
  const input = fromJson(method.input, json);
  try {
    if (method.methodKind === "unary") {
      await transport.unary(
        method as DescMethodUnary,
        undefined,
        60_000,
        header,
        input,
        createContextValues(),
      );
    } else if (method.methodKind === "server_streaming") {
      // The first answer (or the error) gives the code. A stream that goes on (WatchRun follows its
      // run) is cancelled then: leaving it (a `break` does not end the call: the transport's message
      // iterable has no `return`) kept its 60 s deadline timer, which held the Jest worker open after
      // the suite and had it force-exited.
      const cancel = new AbortController();
      const res = await transport.stream(
        method as DescMethodStreaming,
        cancel.signal,
        60_000,
        header,
        (async function* () {
          yield input;
        })(),
        createContextValues(),
      );
      const messages = res.message[Symbol.asyncIterator]();
      await messages.next();
      cancel.abort();
      // the call clears its deadline once it reads its end (here, the cancellation)
      await messages.next().catch(() => undefined);
    } else {
      throw new Error(`${method.name}: ${method.methodKind} calls are not covered`);
    }
    return 0;
  } catch (err) {
    return ConnectError.from(err).code;
  }
}

describe("RPC × role matrix (AUTH_ENABLED=true, a key of each role)", () => {
  let k: KeyedPlatform;
  let fixtures: Fixtures;
  const served: { service: DescService; transport: Transport }[] = [];

  beforeAll(async () => {
    k = await startKeyedPlatform();
    fixtures = await createFixtures(k.p, bearer(k.keys.admin.token));
    for (const url of [k.p.registry.url, k.p.workflows.server.url, k.p.executors[0]!.server.url]) {
      const transport = createGrpcTransport({ baseUrl: url });
      for (const name of await servedServices(transport)) {
        const service = DESCRIPTORS.get(name);
        if (!service) throw new Error(`${name} is served but has no generated descriptor here`);
        served.push({ service, transport });
      }
    }
  }, 300_000);
  afterAll(async () => {
    await k?.stop();
  });

  it("states what every served RPC needs, and has a valid request for it", () => {
    const methods = served.flatMap(({ service }) => service.methods.map((m) => `${service.name}/${m.name}`));
    const requests = validRequests(fixtures);
    expect(methods.filter((m) => !(m in EXPECTED))).toEqual([]);
    expect(methods.filter((m) => !(m.split("/")[1]! in requests))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((m) => !methods.includes(m))).toEqual([]);
  });

  it("allows each role exactly what it needs, refuses the rest naming both roles, and every call without a key", async () => {
    const requests = validRequests(fixtures);
    const wrong: string[] = [];
    let calls = 0;
    for (const { service, transport } of served) {
      for (const method of service.methods) {
        const name = `${service.name}/${method.name}`;
        const needed = EXPECTED[name]!;
        const base = requests[method.name]!;
        const anonymous = await codeOf(transport, method, base());
        calls++;
        if (anonymous !== Code.Unauthenticated)
          wrong.push(`${name} without a key: ${Code[anonymous] ?? "OK"}`);
        for (const role of ROLES) {
          const allowed = needed === "authenticated" || roleAllows(role, needed);
          const got = await codeOf(transport, method, base(), k.keys[role].token);
          calls++;
          const refused = got === Code.PermissionDenied || got === Code.Unauthenticated;
          if (allowed === refused) {
            wrong.push(`${name} as ${role}: ${Code[got] ?? "OK"} (needs ${needed})`);
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(calls).toBe(Object.keys(EXPECTED).length * (ROLES.length + 1));
  });

  it("SetMcpLabel/DeleteMcpLabel › `production` needs admin, any other label editor; the refusal names both roles", async () => {
    const registry = createClient(
      registryProto.RegistryService,
      createGrpcTransport({ baseUrl: k.p.registry.url }),
    );
    const mcp = { case: "name" as const, value: fixtures.mcp };
    await registry.setMcpLabel({ mcp, label: "staging", version: 1 }, bearer(k.keys.editor.token));
    await registry.deleteMcpLabel({ mcp, label: "staging" }, bearer(k.keys.editor.token));
    for (const call of [
      () => registry.setMcpLabel({ mcp, label: "production", version: 1 }, bearer(k.keys.editor.token)),
      () => registry.deleteMcpLabel({ mcp, label: "production" }, bearer(k.keys.editor.token)),
    ]) {
      const err = await call().then(
        () => undefined,
        (e: unknown) => ConnectError.from(e),
      );
      expect(err?.code).toBe(Code.PermissionDenied);
      expect(err?.rawMessage).toMatch(
        new RegExp(
          `needs the "admin" role in workspace "default"; API key "${k.keys.editor.name}" has "editor"$`,
        ),
      );
    }
    const moved = await registry.setMcpLabel(
      { mcp, label: "production", version: 1 },
      bearer(k.keys.admin.token),
    );
    expect(moved.move?.movedBy).toBe(k.keys.admin.name);
  });
});
