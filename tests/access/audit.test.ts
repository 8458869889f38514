/**
 * The audit log end to end: every mutating call of every service lands in PostgreSQL with who made it,
 * the workspace, RPC, target, outcome and request id; reads do not; failures carry their code; a
 * secret's value never appears; ListAuditEvents filters and pages; only admins list.
 */
import { randomUUID } from "node:crypto";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RunStatus, SecretService } from "@mcp/proto/executor";
import { AuditService, type AuditEvent } from "@mcp/proto/registry";
import { expectCode } from "../support/errors";
import { newPythonMcp, uniqueName } from "../support/mcps";
import { input } from "../support/run-specs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";
import { bearer, startKeyedPlatform, type KeyedPlatform } from "./platform-keys";

const withRequestId = (token: string, requestId: string) => ({
  headers: { authorization: `Bearer ${token}`, "x-request-id": requestId },
});

describe("audit log (AUTH_ENABLED=true)", () => {
  let k: KeyedPlatform;
  let audit: ReturnType<typeof createClient<typeof AuditService>>;
  const started = new Date();

  /** The admin's view of the events `filter` selects. */
  const events = async (filter: Parameters<typeof audit.listAuditEvents>[0]["filter"]) =>
    (await audit.listAuditEvents({ filter, pageSize: 500 }, bearer(k.keys.admin.token))).events;

  beforeAll(async () => {
    k = await startKeyedPlatform();
    audit = createClient(AuditService, createGrpcTransport({ baseUrl: k.p.registry.url }));
  }, 240_000);
  afterAll(async () => {
    await k?.stop();
  });

  it("records a successful write with actor, workspace, RPC, target, outcome and request id", async () => {
    const name = uniqueName("audited");
    const requestId = randomUUID();
    await k.p.clients.registry.createMcp(newPythonMcp(name), withRequestId(k.keys.editor.token, requestId));
    const [event] = await events({ target: name, method: "CreateMcp" });
    expect(event).toMatchObject<Partial<AuditEvent>>({
      workspace: "default",
      actorKind: "key",
      actor: k.keys.editor.name,
      service: "mcp.registry.v1.RegistryService",
      method: "CreateMcp",
      target: name,
      outcome: "OK",
      requestId,
    });
    expect(event!.actorId).toBe(k.keys.editor.token.split("_")[1]);
    expect(event!.eventTime!.seconds).toBeGreaterThanOrEqual(BigInt(Math.floor(started.getTime() / 1000)));
  });

  it("records refusals and failures with their code, and the label a move named", async () => {
    const name = uniqueName("failing");
    await k.p.clients.registry.createMcp(newPythonMcp(name), bearer(k.keys.editor.token));
    const mcp = { case: "name" as const, value: name };
    await expectCode(
      k.p.clients.registry.setMcpLabel({ mcp, label: "production", version: 1 }, bearer(k.keys.editor.token)),
      Code.PermissionDenied,
    );
    await expectCode(
      k.p.clients.registry.setMcpLabel({ mcp, label: "staging", version: 9 }, bearer(k.keys.editor.token)),
      Code.NotFound,
    );
    await expectCode(
      k.p.clients.registry.createMcp(
        { name: "", config: scriptConfig(ECHO_SCRIPT) },
        bearer(k.keys.editor.token),
      ),
      Code.InvalidArgument,
    );
    await k.p.clients.registry.setMcpLabel(
      { mcp, label: "production", version: 1 },
      bearer(k.keys.admin.token),
    );
    const moves = await events({ method: "SetMcpLabel" });
    const mine = moves.filter((e) => e.target.startsWith(`${name} `));
    expect(mine.map((e) => [e.actor, e.target, e.outcome])).toEqual([
      [k.keys.admin.name, `${name} label=production version=1`, "OK"],
      [k.keys.editor.name, `${name} label=staging version=9`, "NOT_FOUND"],
      [k.keys.editor.name, `${name} label=production version=1`, "PERMISSION_DENIED"],
    ]);
    // refused by request validation, before anyone was identified: names nobody, not recorded
    const invalid = await events({ method: "CreateMcp", outcome: "INVALID_ARGUMENT" });
    expect(invalid.filter((e) => e.actor === "")).toEqual([]);
  });

  it("records writes of the workflows service and the executor too, but no read and no call without a key", async () => {
    const flow = uniqueName("audited-flow");
    const mcp = uniqueName("audited-echo");
    await k.p.clients.registry.createMcp(
      { name: mcp, config: scriptConfig(ECHO_SCRIPT) },
      bearer(k.keys.editor.token),
    );
    await k.p.clients.workflows.createWorkflow(
      { name: flow, spec: { steps: [{ stepId: "s", mcp: { mcp: { case: "name", value: mcp } } }] } },
      bearer(k.keys.editor.token),
    );
    const { run } = await k.p.clients.executor.executeWorkflow(
      { workflow: { workflow: { case: "name", value: flow } } },
      bearer(k.keys.operator.token),
    );
    await k.p.clients.registry.getMcp({ mcp: { case: "name", value: mcp } }, bearer(k.keys.viewer.token));
    await k.p.clients.executor.getRun({ id: run!.id }, bearer(k.keys.viewer.token));
    await expectCode(k.p.clients.registry.createMcp(newPythonMcp(uniqueName("anon"))), Code.Unauthenticated);

    expect((await events({ target: flow, method: "CreateWorkflow" }))[0]).toMatchObject({
      service: "mcp.workflows.v1.WorkflowService",
      actor: k.keys.editor.name,
      outcome: "OK",
    });
    expect((await events({ target: flow, method: "ExecuteWorkflow" }))[0]).toMatchObject({
      service: "mcp.executor.v1.ExecutorService",
      actor: k.keys.operator.name,
      outcome: "OK",
    });
    expect(await events({ actor: k.keys.viewer.name })).toEqual([]);
    expect(await events({ method: "GetMcp" })).toEqual([]);
    expect(await events({ outcome: "UNAUTHENTICATED" })).toEqual([]);
  });

  /** An echo MCP and a one-step workflow of it, whose input `text` it echoes. */
  const defineEchoFlow = async (flow: string, mcp: string) => {
    await k.p.clients.registry.createMcp(
      { name: mcp, config: scriptConfig(ECHO_SCRIPT) },
      bearer(k.keys.editor.token),
    );
    await k.p.clients.workflows.createWorkflow(
      {
        name: flow,
        spec: {
          inputs: [{ name: "text", required: true }],
          steps: [
            { stepId: "s", mcp: { mcp: { case: "name", value: mcp } }, inputs: { text: input("text") } },
          ],
        },
      },
      bearer(k.keys.editor.token),
    );
  };
  const text = { text: "hi" };

  it("records a call that starts a run once (written with the run), waited for or not; a repeated request is a call of its own", async () => {
    const flow = uniqueName("started-flow");
    const mcp = uniqueName("started-echo");
    await defineEchoFlow(flow, mcp);
    const workflow = { workflow: { case: "name" as const, value: flow } };
    const calls = [randomUUID(), randomUUID(), randomUUID()];
    const idempotencyKey = randomUUID();
    const waited = await k.p.clients.executor.executeWorkflow(
      { workflow, inputs: text, wait: true, requestId: idempotencyKey },
      withRequestId(k.keys.operator.token, calls[0]!),
    );
    expect(waited.run?.status).toBe(RunStatus.SUCCEEDED);
    const repeated = await k.p.clients.executor.executeWorkflow(
      { workflow, inputs: text, wait: true, requestId: idempotencyKey },
      withRequestId(k.keys.operator.token, calls[1]!),
    );
    expect(repeated).toMatchObject({ created: false, run: { id: waited.run!.id } });
    const started = await k.p.clients.executor.executeWorkflow(
      { workflow, inputs: text },
      withRequestId(k.keys.operator.token, calls[2]!),
    );
    expect(started.created).toBe(true);
    const ran = await k.p.clients.executor.runMcp(
      { mcp: { mcp: { case: "name", value: mcp } }, inputs: text, wait: true },
      bearer(k.keys.operator.token),
    );
    expect(ran.run?.status).toBe(RunStatus.SUCCEEDED);

    const rows = await events({ target: flow, method: "ExecuteWorkflow" });
    expect(rows.map((e) => [e.requestId, e.actor, e.outcome]).sort()).toEqual(
      calls.map((id) => [id, k.keys.operator.name, "OK"]).sort(),
    );
    expect(
      (await events({ target: mcp, method: "RunMcp" })).map((e) => [e.actor, e.service, e.outcome]),
    ).toEqual([[k.keys.operator.name, "mcp.executor.v1.ExecutorService", "OK"]]);
    // no call is left out and none counted twice, also in the table itself
    const counted = await k.db.query<Array<{ count: string }>>(
      "SELECT count(*) FROM audit_events WHERE request_id = ANY($1)",
      [calls],
    );
    expect(counted).toEqual([{ count: "3" }]);
  });

  it("a run still starts and ends when its call's audit event cannot be written", async () => {
    const flow = uniqueName("unaudited-flow");
    const mcp = uniqueName("unaudited-echo");
    await defineEchoFlow(flow, mcp);
    await k.db.query("ALTER TABLE audit_events RENAME TO audit_events_away");
    try {
      const { run } = await k.p.clients.executor.executeWorkflow(
        { workflow: { workflow: { case: "name", value: flow } }, inputs: text, wait: true },
        bearer(k.keys.operator.token),
      );
      expect(run?.status).toBe(RunStatus.SUCCEEDED);
    } finally {
      await k.db.query("ALTER TABLE audit_events_away RENAME TO audit_events");
    }
    // and once the table is back, the next run's call is recorded with it again
    await waitFor("run starts to be audited again", async () => {
      const requestId = randomUUID();
      await k.p.clients.executor.executeWorkflow(
        { workflow: { workflow: { case: "name", value: flow } }, inputs: text },
        withRequestId(k.keys.operator.token, requestId),
      );
      return (await events({ target: flow, method: "ExecuteWorkflow" })).some(
        (e) => e.requestId === requestId,
      )
        ? true
        : undefined;
    });
  });

  it("never records a secret's value (only its name)", async () => {
    const secrets = createClient(
      SecretService,
      createGrpcTransport({ baseUrl: k.p.executors[0]!.server.url }),
    );
    const value = `audit-secret-${randomUUID()}`;
    const name = `AUDIT_${randomUUID().slice(0, 8).toUpperCase()}`;
    await secrets.putSecret({ name, value }, bearer(k.keys.admin.token));
    expect((await events({ method: "PutSecret", target: name }))[0]?.outcome).toBe("OK");
    const rows = await k.db.query<Record<string, unknown>[]>("SELECT * FROM audit_events");
    expect(rows.length).toBeGreaterThan(0);
    expect(JSON.stringify(rows)).not.toContain(value);
  });

  it("ListAuditEvents › filters by actor, RPC, outcome and time, pages newest first, and is admin-only", async () => {
    const name = uniqueName("paged");
    for (let i = 1; i <= 3; i++) {
      await k.p.clients.registry.createMcp(newPythonMcp(`${name}-${i}`), bearer(k.keys.editor.token));
    }
    const filter = {
      actor: k.keys.editor.name,
      method: "CreateMcp",
      outcome: "OK",
      after: timestampFromDate(started),
    };
    const first = await audit.listAuditEvents({ filter, pageSize: 2 }, bearer(k.keys.admin.token));
    expect(first.events).toHaveLength(2);
    expect(first.nextPageToken).not.toBe("");
    expect(first.events[0]!.target).toBe(`${name}-3`);
    expect(first.events[1]!.target).toBe(`${name}-2`);
    const rest = await audit.listAuditEvents(
      { filter, pageSize: 500, pageToken: first.nextPageToken },
      bearer(k.keys.admin.token),
    );
    expect(rest.events[0]!.target).toBe(`${name}-1`);
    expect(rest.nextPageToken).toBe("");
    const all = [...first.events, ...rest.events];
    expect(all.every((e) => e.actor === k.keys.editor.name && e.method === "CreateMcp")).toBe(true);
    expect(new Set(all.map((e) => e.id)).size).toBe(all.length);

    const future = timestampFromDate(new Date(Date.now() + 3_600_000));
    expect(await events({ after: future })).toEqual([]);
    await expectCode(
      audit.listAuditEvents(
        { filter: { after: future, before: timestampFromDate(started) } },
        bearer(k.keys.admin.token),
      ),
      Code.InvalidArgument,
    );
    // a page token is bound to its filter
    await expectCode(
      audit.listAuditEvents(
        { filter: { actor: "someone else" }, pageToken: first.nextPageToken },
        bearer(k.keys.admin.token),
      ),
      Code.InvalidArgument,
    );
    for (const role of ["viewer", "editor", "operator"] as const) {
      const denied = await expectCode(
        audit.listAuditEvents({}, bearer(k.keys[role].token)),
        Code.PermissionDenied,
      );
      expect(denied.rawMessage).toContain('ListAuditEvents needs the "admin" role');
    }
  });

  it("an audit write that fails does not fail the call", async () => {
    // the table is away for a moment: the write fails (and is logged), the call answers
    await k.db.query("ALTER TABLE audit_events RENAME TO audit_events_away");
    try {
      const name = uniqueName("unaudited");
      const created = await k.p.clients.registry.createMcp(newPythonMcp(name), bearer(k.keys.editor.token));
      expect(created.mcp?.name).toBe(name);
    } finally {
      await k.db.query("ALTER TABLE audit_events_away RENAME TO audit_events");
    }
    await waitFor("the audit log to work again", async () => {
      const name = uniqueName("audited-again");
      await k.p.clients.registry.createMcp(newPythonMcp(name), bearer(k.keys.editor.token));
      return (await events({ target: name })).length === 1 ? true : undefined;
    });
  });
});
