import { createHash, randomUUID } from "node:crypto";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import { RunStatus } from "@mcp/proto/executor";
import { health, reflectionV1 } from "@mcp/proto/grpc";
import { WorkflowService } from "@mcp/proto/workflows";
import { generateApiKey, reasonOf } from "@mcp/runtime";
import { Client as PgClient } from "pg";
import { expectCode, rpcError } from "../support/errors";
import { newPythonMcp, uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, spec, step } from "../support/run-specs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";
import { startTestWorkflows } from "../support/workflows";
import { adminKeys, createKey } from "./keys";

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });
const xApiKey = (key: string) => ({ headers: { "x-api-key": key } });
const byName = (name: string) => ({ case: "name" as const, value: name });

/** A one-step workflow spec over the MCP `mcp`. */
const echoSpec = (mcp: string) =>
  spec([step("echo", mcp, { inputs: { text: input("text") } })], {
    inputs: [{ name: "text", required: true }],
  });

describe("API keys with AUTH_ENABLED=true", () => {
  let p: TestPlatform;
  let keys: DataSource;
  /** editor, via the admin command. */
  let ci: string;
  /** editor. */
  let writer: string;
  /** operator. */
  let runner: string;
  /** admin. */
  let admin: string;
  let adminName: string;
  const service = generateApiKey();
  const echo = uniqueName("echo");

  beforeAll(async () => {
    p = await startPlatform({
      env: { AUTH_ENABLED: "true", AUTH_CACHE_MS: "300", SERVICE_API_KEY: service.token },
    });
    keys = (await openDatabase({ url: p.db.url, poolSize: 2 })).dataSource;
    await new ApiKeyStore(keys).create({
      id: service.id,
      name: "platform-services",
      secretHash: service.secretHash,
      role: "viewer",
    });
    ci = await createKey(p.db.url, uniqueName("ci"), "editor");
    writer = await createKey(p.db.url, uniqueName("writer"), "editor");
    runner = await createKey(p.db.url, uniqueName("runner"), "operator");
    adminName = uniqueName("admin");
    admin = await createKey(p.db.url, adminName, "admin");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) }, bearer(ci));
  });
  afterAll(async () => {
    await keys.destroy();
    await p.stop();
  });

  it("CreateMcp › returns UNAUTHENTICATED without a key, saying how to send one", async () => {
    const err = await expectCode(p.clients.registry.createMcp(newPythonMcp()), Code.Unauthenticated);
    expect(err.rawMessage).toContain("CreateMcp needs a credential");
    expect(err.rawMessage).toContain("authorization: Bearer <key or token>");
    expect(err.rawMessage).toContain("x-api-key: <key>");
    expect(reasonOf(err)).toBe("UNAUTHENTICATED");
  });

  it("CreateMcp › works with `authorization: Bearer <key>` and with `x-api-key`", async () => {
    const a = await p.clients.registry.createMcp(newPythonMcp(), bearer(ci));
    const b = await p.clients.registry.createMcp(newPythonMcp(), xApiKey(ci));
    expect(a.mcp?.latestVersion).toBe(1);
    expect(b.mcp?.latestVersion).toBe(1);
  });

  it("returns UNAUTHENTICATED for a malformed key, an unknown key and a wrong secret", async () => {
    // "mcp_" + 16 hex id + "_" is 21 characters; the secret itself may contain "_"
    const wrongSecret = `${ci.slice(0, 21)}${"A".repeat(43)}`;
    for (const [key, message] of [
      ["not-a-key", "malformed"],
      [generateApiKey().token, "not valid"],
      [wrongSecret, "not valid"],
    ] as const) {
      const err = await expectCode(
        p.clients.registry.createMcp(newPythonMcp(), bearer(key)),
        Code.Unauthenticated,
      );
      expect(err.rawMessage).toContain(message);
    }
  });

  it("SetMcpLabel › an editor moves `staging`; `production` needs admin; the key's name is recorded as who moved it", async () => {
    const name = uniqueName("labelled");
    const created = await p.clients.registry.createMcp(newPythonMcp(name), bearer(writer));
    const staged = await p.clients.registry.setMcpLabel(
      { mcp: byName(name), label: "staging", version: 1, reason: "try" },
      bearer(writer),
    );
    const writerName = (await new ApiKeyStore(keys).find(writer.split("_")[1]!))!.name;
    expect(staged.move?.movedBy).toBe(writerName);
    const denied = await expectCode(
      p.clients.registry.setMcpLabel(
        { mcp: byName(name), label: "production", version: 1, reason: "release" },
        bearer(writer),
      ),
      Code.PermissionDenied,
    );
    expect(denied.rawMessage).toBe(
      `SetMcpLabel needs the "admin" role in workspace "default"; API key "${writerName}" has "editor"`,
    );
    await expectCode(
      p.clients.registry.deleteMcpLabel({ mcp: byName(name), label: "production" }, bearer(writer)),
      Code.PermissionDenied,
    );
    const moved = await p.clients.registry.setMcpLabel(
      { mcp: byName(name), label: "production", version: 1, reason: "release" },
      bearer(admin),
    );
    expect(moved.move?.movedBy).toBe(adminName);
    const history = await p.clients.registry.listMcpLabelMoves({ mcp: byName(name) }, bearer(writer));
    expect(history.moves.map((m) => [m.label, m.movedBy])).toEqual([
      ["production", adminName],
      ["staging", writerName],
    ]);
    expect(created.mcp?.name).toBe(name);
  });

  it("returns UNAUTHENTICATED for a revoked key (within AUTH_CACHE_MS)", async () => {
    const name = uniqueName("revoked");
    const key = await createKey(p.db.url, name, "editor");
    await p.clients.registry.createMcp(newPythonMcp(), bearer(key));
    const revoked = await adminKeys(p.db.url, "revoke", name);
    expect(revoked.code).toBe(0);
    // The services cache keys for AUTH_CACHE_MS (300 ms here): the revocation lands within that.
    const ce = await waitFor("the revoked key to be refused", () =>
      rpcError(p.clients.registry.createMcp(newPythonMcp(), bearer(key))).catch(() => undefined),
    );
    expect(Code[ce.code]).toBe("Unauthenticated");
    expect(ce.rawMessage).toContain("revoked");
  });

  it("ExecuteWorkflow › returns PERMISSION_DENIED naming the operator role for an editor key", async () => {
    const name = uniqueName("flow");
    await p.clients.workflows.createWorkflow({ name, spec: echoSpec(echo) }, bearer(writer));
    const err = await expectCode(
      p.clients.executor.executeWorkflow(
        { workflow: { workflow: byName(name) }, inputs: { text: "hi" } },
        bearer(writer),
      ),
      Code.PermissionDenied,
    );
    expect(err.rawMessage).toContain('ExecuteWorkflow needs the "operator" role in workspace "default"');
    expect(err.rawMessage).toContain('has "editor"');
    await expectCode(
      p.clients.executor.executeWorkflow({ workflow: { workflow: byName(name) }, inputs: { text: "hi" } }),
      Code.Unauthenticated,
    );
  });

  it("ExecuteWorkflow › runs with an operator key (the executor reads the workflow and MCP with its viewer service key)", async () => {
    const name = uniqueName("flow");
    await p.clients.workflows.createWorkflow({ name, spec: echoSpec(echo) }, bearer(ci));
    const done = await p.clients.executor.executeWorkflow(
      { workflow: { workflow: byName(name) }, inputs: { text: "hi" }, wait: true },
      bearer(runner),
    );
    expect(done.run?.status).toBe(RunStatus.SUCCEEDED);
  });

  it("SignalRun, DecideApproval › need the operator role; the decision records the key's name as who decided", async () => {
    const approverName = uniqueName("approver");
    const approver = await createKey(p.db.url, approverName, "operator");
    const name = uniqueName("flow");
    await p.clients.workflows.createWorkflow(
      { name, spec: { steps: [{ stepId: "review", approval: { prompt: "ok?" } }] } },
      bearer(ci),
    );
    const { run } = await p.clients.executor.executeWorkflow(
      { workflow: { workflow: byName(name) } },
      bearer(runner),
    );
    const runId = run!.id;
    const denied = await expectCode(
      p.clients.executor.decideApproval({ runId, stepId: "review", approve: true }, bearer(writer)),
      Code.PermissionDenied,
    );
    expect(denied.rawMessage).toContain('DecideApproval needs the "operator" role');
    await expectCode(p.clients.executor.signalRun({ runId, signal: "x" }), Code.Unauthenticated);
    const decided = await p.clients.executor.decideApproval(
      { runId, stepId: "review", approve: true, comment: "fine" },
      bearer(approver),
    );
    expect(decided.run?.steps.find((s) => s.stepId === "review")?.approval).toMatchObject({
      decided: true,
      decidedBy: approverName,
    });
    const done = await waitFor("the approved run finished", async () => {
      const { run: now } = await p.clients.executor.getRun({ id: runId }, bearer(writer));
      return now?.status === RunStatus.SUCCEEDED ? now : undefined;
    });
    expect(done.steps[0]?.outputs).toEqual({ approved: true, decided_by: approverName, comment: "fine" });
  });

  it("reads (GetMcp, ListMcps, ListWorkflows, ListRuns, GetRunStats, TailStepLogs) need a key: UNAUTHENTICATED without, any role reads", async () => {
    await expectCode(p.clients.registry.getMcp({ mcp: byName(echo) }), Code.Unauthenticated);
    await expectCode(p.clients.executor.listRuns({}), Code.Unauthenticated);
    const viewer = bearer(await createKey(p.db.url, uniqueName("viewer"), "viewer"));
    expect((await p.clients.registry.getMcp({ mcp: byName(echo) }, viewer)).mcp?.name).toBe(echo);
    expect((await p.clients.registry.listMcps({}, viewer)).mcps.length).toBeGreaterThan(0);
    await expect(p.clients.workflows.listWorkflows({}, viewer)).resolves.toBeDefined();
    await expect(p.clients.executor.listRuns({}, viewer)).resolves.toBeDefined();
    await expect(p.clients.executor.getRunStats({}, viewer)).resolves.toBeDefined();
    // past the policy, an unknown run is NOT_FOUND
    const tail = (async () => {
      for await (const _ of p.clients.executor.tailStepLogs({ runId: randomUUID(), stepId: "s" }, viewer))
        void _;
    })();
    await expectCode(tail, Code.NotFound);
  });

  it("a read that presents a bad key is UNAUTHENTICATED (a key, when sent, must be valid)", async () => {
    await expectCode(
      p.clients.registry.getMcp({ mcp: byName(echo) }, bearer(generateApiKey().token)),
      Code.Unauthenticated,
    );
  });

  it("health and reflection work without a key", async () => {
    for (const url of [p.registry.url, p.workflows.server.url, p.executors[0]!.server.url]) {
      const transport = createGrpcTransport({ baseUrl: url });
      const checked = await createClient(health.Health, transport).check({});
      expect(checked.status).toBe(health.HealthCheckResponse_ServingStatus.SERVING);
      const reflection = createClient(reflectionV1.ServerReflection, transport);
      async function* ask() {
        yield { messageRequest: { case: "listServices" as const, value: "" } };
      }
      for await (const res of reflection.serverReflectionInfo(ask())) {
        expect(res.messageResponse.case).toBe("listServicesResponse");
        break;
      }
    }
  });

  it("CreateWorkflow › validates MCP references through the registry with SERVICE_API_KEY", async () => {
    const created = await p.clients.workflows.createWorkflow(
      { name: uniqueName("flow"), spec: echoSpec(echo) },
      bearer(ci),
    );
    expect(created.workflow?.latestVersion).toBe(1);
    const used = await waitFor(
      "the service key's last use to be recorded",
      async () => (await new ApiKeyStore(keys).find(service.id))?.lastUsedAt ?? undefined,
    );
    expect(used).toBeInstanceOf(Date);
  });

  it("CreateWorkflow › is UNAVAILABLE naming SERVICE_API_KEY when the registry refuses the service's key", async () => {
    const workflows = await startTestWorkflows(p.db, p.registry.url, {
      AUTH_ENABLED: "true",
      SERVICE_API_KEY: generateApiKey().token,
    });
    try {
      const client = createClient(WorkflowService, createGrpcTransport({ baseUrl: workflows.server.url }));
      const err = await expectCode(
        client.createWorkflow({ name: uniqueName("flow"), spec: echoSpec(echo) }, bearer(ci)),
        Code.Unavailable,
      );
      expect(err.rawMessage).toContain("SERVICE_API_KEY is not accepted");
      expect(err.rawMessage).toContain("mcp.registry.v1.RegistryService");
    } finally {
      await workflows.stop();
    }
  });

  it("CreateWorkflow › is UNAVAILABLE saying SERVICE_API_KEY is not set when the registry needs a key for its reads", async () => {
    const workflows = await startTestWorkflows(p.db, p.registry.url, { AUTH_ENABLED: "true" });
    try {
      const client = createClient(WorkflowService, createGrpcTransport({ baseUrl: workflows.server.url }));
      const err = await expectCode(
        client.createWorkflow({ name: uniqueName("flow"), spec: echoSpec(echo) }, bearer(ci)),
        Code.Unavailable,
      );
      expect(err.rawMessage).toContain("SERVICE_API_KEY is not set");
    } finally {
      await workflows.stop();
    }
  });

  it("stores only a SHA-256 of each key's secret; list never shows it", async () => {
    const db = new PgClient({ connectionString: p.db.url });
    await db.connect();
    try {
      const rows = (await db.query("SELECT * FROM api_keys")).rows as Record<string, unknown>[];
      expect(rows.length).toBeGreaterThanOrEqual(3);
      const secret = ci.split("_").slice(2).join("_");
      const dump = JSON.stringify(rows);
      expect(dump).not.toContain(secret);
      expect(dump).not.toContain(ci);
      const row = rows.find((r) => r["id"] === ci.split("_")[1]);
      expect(row?.["secret_hash"]).toBe(createHash("sha256").update(secret).digest("hex"));
    } finally {
      await db.end();
    }
    const listed = await adminKeys(p.db.url, "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(ci.split("_")[1]);
    expect(listed.stdout).not.toContain(ci.split("_").slice(2).join("_"));
  });
});

describe("with AUTH_ENABLED=false", () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform({ env: { AUTH_ENABLED: "false" } });
  });
  afterAll(async () => {
    await p.stop();
  });

  it("creates, labels and executes without any key", async () => {
    const echo = uniqueName("echo");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    const moved = await p.clients.registry.setMcpLabel({
      mcp: byName(echo),
      label: "production",
      version: 1,
    });
    expect(moved.move?.movedBy).toBe("");
    const name = uniqueName("flow");
    await p.clients.workflows.createWorkflow({ name, spec: echoSpec(echo) });
    const done = await p.clients.executor.executeWorkflow({
      workflow: { workflow: byName(name) },
      inputs: { text: "hi" },
      wait: true,
    });
    expect(done.run?.status).toBe(RunStatus.SUCCEEDED);
  });

  it("ignores keys entirely (even a bogus one)", async () => {
    await expect(
      p.clients.registry.createMcp(newPythonMcp(), bearer(generateApiKey().token)),
    ).resolves.toBeDefined();
  });
});
