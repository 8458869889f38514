import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { connect } from "node:http2";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { toJsonString } from "@bufbuild/protobuf";
import {
  GetTriggerResponseSchema,
  ListTriggersResponseSchema,
  RunStatus,
  SecretService,
  TriggerService,
  type WorkflowRun,
} from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { cliAgainst } from "../support/cli";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { rowCounts } from "../support/raw-rpc";
import { CONCAT_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { echoConcatSpec } from "../support/specs";
import { waitFor } from "../support/wait-for";

/** The largest webhook body the suite's executor accepts (WEBHOOK_MAX_BODY_BYTES). */
const MAX_BODY = 4096;
/** The suite's first SECRETS_KEY (its id is derived from it). */
const KEY_A = randomBytes(32).toString("base64");

const sign = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

interface Posted {
  readonly status: number;
  readonly json: Record<string, unknown>;
  readonly headers: Headers;
}

const FINISHED = new Set([RunStatus.SUCCEEDED, RunStatus.FAILED, RunStatus.CANCELLED]);

describe("webhook triggers", () => {
  let p: TestPlatform;
  let triggers: Client<typeof TriggerService>;
  let flow: string;

  /** POSTs `body` (as is) to the executor's `/hooks/<name>` with `headers`. */
  async function post(name: string, body: string, headers: Record<string, string> = {}): Promise<Posted> {
    const res = await fetch(`${p.executors[0]!.server.url}/hooks/${name}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    const text = await res.text();
    return { status: res.status, json: JSON.parse(text) as Record<string, unknown>, headers: res.headers };
  }

  /** A signed delivery of `payload` (JSON-encoded unless already a string). */
  function deliver(name: string, secret: string, payload: unknown, headers: Record<string, string> = {}) {
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    return post(name, body, { "x-hub-signature-256": sign(secret, body), ...headers });
  }

  async function finished(runId: string): Promise<WorkflowRun> {
    return waitFor(
      `run ${runId} to finish`,
      async () => {
        const { run } = await p.clients.executor.getRun({ id: runId });
        return run && FINISHED.has(run.status) ? run : undefined;
      },
      { timeoutMs: 120_000 },
    );
  }

  async function newTrigger(
    init: { inputPaths?: Record<string, string>; ratePerMinute?: number; burst?: number } = {},
  ) {
    const name = uniqueName("hook");
    const created = await triggers.createTrigger({
      name,
      description: "e2e",
      workflow: { workflow: { case: "name", value: flow } },
      ...init,
    });
    return { name, secret: created.secret, trigger: created.trigger! };
  }

  const runCount = async () => (await rowCounts(p.db.url))["workflow_runs"] ?? 0;

  beforeAll(async () => {
    p = await startPlatform({
      executorEnv: {
        SECRETS_KEY: KEY_A,
        WEBHOOK_MAX_BODY_BYTES: String(MAX_BODY),
      },
    });
    triggers = createClient(TriggerService, createGrpcTransport({ baseUrl: p.executors[0]!.server.url }));
    const echo = uniqueName("echo");
    const concat = uniqueName("concat");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.registry.createMcp({ name: concat, config: scriptConfig(CONCAT_SCRIPT) });
    flow = uniqueName("hooked");
    await p.clients.workflows.createWorkflow({ name: flow, spec: echoConcatSpec(echo, concat) });
  });

  afterAll(async () => {
    await p?.stop();
  });

  it("CreateTrigger returns the secret once; Get and List never do", async () => {
    const { name, secret, trigger } = await newTrigger();
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(trigger).toMatchObject({ name, path: `/hooks/${name}`, ratePerMinute: 60, burst: 10 });
    const got = await triggers.getTrigger({ name });
    expect(got.trigger?.name).toBe(name);
    expect(toJsonString(GetTriggerResponseSchema, got)).not.toContain(secret);
    const second = await newTrigger();
    const names: string[] = [];
    let pageToken = "";
    do {
      const page = await triggers.listTriggers({ pageSize: 1, pageToken });
      expect(page.triggers.length).toBeLessThanOrEqual(1);
      expect(toJsonString(ListTriggersResponseSchema, page)).not.toContain(secret);
      names.push(...page.triggers.map((t) => t.name));
      pageToken = page.nextPageToken;
    } while (pageToken);
    expect(names).toEqual(expect.arrayContaining([name, second.name]));
    expect([...names].sort()).toEqual(names);
  });

  it("a signed delivery starts a run with the body as inputs (202 and the run id); the run records the trigger and succeeds", async () => {
    const { name, secret } = await newTrigger();
    const deliveryId = randomUUID();
    const answer = await deliver(name, secret, { text: "from a hook" }, { "x-delivery-id": deliveryId });
    expect(answer.status).toBe(202);
    const runId = answer.json["runId"] as string;
    expect(answer.json).toEqual({ runId, replayed: false });
    expect(runId).toMatch(/^[0-9a-f-]{36}$/);
    const run = await finished(runId);
    expect(run.status).toBe(RunStatus.SUCCEEDED);
    expect(run.inputs).toEqual({ text: "from a hook" });
    expect(run.outputs).toEqual({ result: "echo: from a hook" });
    expect(run.triggerName).toBe(name);
    expect(run.triggerDeliveryId).toBe(deliveryId);
  });

  it("maps body fields to inputs by path (GitHub's delivery header counts as the delivery id)", async () => {
    const { name, secret } = await newTrigger({ inputPaths: { text: "pull_request.title" } });
    const body = { action: "opened", pull_request: { title: "Fix the parser", number: 7 } };
    const answer = await deliver(name, secret, body, { "x-github-delivery": randomUUID() });
    expect(answer.status).toBe(202);
    const run = await finished(answer.json["runId"] as string);
    expect(run.status).toBe(RunStatus.SUCCEEDED);
    expect(run.inputs).toEqual({ text: "Fix the parser" });
    expect(run.outputs).toEqual({ result: "echo: Fix the parser" });
  });

  it("a replayed delivery id starts no second run: 200 with the first run's id", async () => {
    const { name, secret } = await newTrigger();
    const deliveryId = randomUUID();
    const first = await deliver(name, secret, { text: "once" }, { "x-delivery-id": deliveryId });
    expect(first.status).toBe(202);
    const before = await runCount();
    for (let i = 0; i < 3; i++) {
      const again = await deliver(name, secret, { text: "once" }, { "x-delivery-id": deliveryId });
      expect(again.status).toBe(200);
      expect(again.json).toEqual({ runId: first.json["runId"], replayed: true });
    }
    // concurrent replays race the first insert of a new delivery id: still one run
    const racedId = randomUUID();
    const raced = await Promise.all(
      [1, 2, 3, 4].map(() => deliver(name, secret, { text: "raced" }, { "x-delivery-id": racedId })),
    );
    expect(new Set(raced.map((r) => r.json["runId"])).size).toBe(1);
    expect(raced.filter((r) => r.status === 202)).toHaveLength(1);
    expect(await runCount()).toBe(before + 1);
    const runs = await p.clients.executor.listRuns({ pageSize: 500 });
    expect(runs.runs.filter((r) => r.triggerName === name)).toHaveLength(2);
  });

  it("refuses a bad, missing or stale signature with 401 and starts nothing", async () => {
    const { name, secret } = await newTrigger();
    const before = await rowCounts(p.db.url);
    const body = JSON.stringify({ text: "forged" });
    const wrong = await post(name, body, { "x-hub-signature-256": sign("not the secret", body) });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toMatchObject({ error: { reason: "SIGNATURE_MISMATCH" } });
    // signed over another body
    const other = await post(name, body, { "x-hub-signature-256": sign(secret, `${body} `) });
    expect(other.status).toBe(401);
    const malformed = await post(name, body, { "x-hub-signature-256": "sha1=abc" });
    expect(malformed.status).toBe(401);
    const missing = await post(name, body);
    expect(missing.status).toBe(401);
    expect(missing.json).toMatchObject({ error: { reason: "SIGNATURE_MISSING" } });
    // after a rotation the old secret no longer signs
    const rotated = await triggers.rotateTriggerSecret({ name });
    expect(rotated.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(rotated.secret).not.toBe(secret);
    const stale = await deliver(name, secret, { text: "old secret" });
    expect(stale.status).toBe(401);
    expect(await rowCounts(p.db.url)).toEqual(before);
    const fresh = await deliver(name, rotated.secret, { text: "new secret" });
    expect(fresh.status).toBe(202);
  });

  it("answers 404 for an unknown or deleted trigger", async () => {
    const unknown = await post("no-such-trigger", "{}", { "x-hub-signature-256": sign("x", "{}") });
    expect(unknown.status).toBe(404);
    expect(unknown.json).toMatchObject({ error: { reason: "TRIGGER_NOT_FOUND" } });
    const { name, secret } = await newTrigger();
    await triggers.deleteTrigger({ name });
    expect((await deliver(name, secret, { text: "gone" })).status).toBe(404);
    await expectCode(triggers.getTrigger({ name }), Code.NotFound);
    await expectCode(triggers.deleteTrigger({ name }), Code.NotFound);
  });

  it("rate-limits each trigger: 429 with Retry-After once its bucket is empty, nothing started", async () => {
    const { name, secret } = await newTrigger({ ratePerMinute: 1, burst: 2 });
    const other = await newTrigger({ ratePerMinute: 1, burst: 2 });
    expect((await deliver(name, secret, { text: "1" })).status).toBe(202);
    expect((await deliver(name, secret, { text: "2" })).status).toBe(202);
    const before = await runCount();
    const limited = await deliver(name, secret, { text: "3" });
    expect(limited.status).toBe(429);
    expect(limited.json).toMatchObject({ error: { reason: "RATE_LIMITED" } });
    const retryAfter = Number(limited.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await runCount()).toBe(before);
    // another trigger has its own bucket
    expect((await deliver(other.name, other.secret, { text: "4" })).status).toBe(202);
  });

  it("answers 400 for a body that is not JSON and 422 naming the field for one that does not fit the inputs", async () => {
    const { name, secret } = await newTrigger();
    const before = await runCount();
    const notJson = await deliver(name, secret, "{not json");
    expect(notJson.status).toBe(400);
    expect(notJson.json).toMatchObject({
      error: { reason: "BODY_NOT_JSON", violations: [{ field: "body" }] },
    });
    expect(JSON.stringify(notJson.json)).toContain("is not JSON");
    const missing = await deliver(name, secret, { other: 1 });
    expect(missing.status).toBe(422);
    const violations = (missing.json["error"] as { violations: { field: string }[] }).violations;
    expect(violations.map((v) => v.field).sort()).toEqual(["inputs.other", "inputs.text"]);
    const notObject = await deliver(name, secret, ["text"]);
    expect(notObject.status).toBe(422);
    expect(notObject.json).toMatchObject({ error: { violations: [{ field: "body" }] } });

    const mapped = await newTrigger({ inputPaths: { text: "pull_request.title" } });
    const lacking = await deliver(mapped.name, mapped.secret, { pull_request: { number: 1 } });
    expect(lacking.status).toBe(422);
    expect(lacking.json).toMatchObject({ error: { violations: [{ field: "body.pull_request.title" }] } });
    expect(JSON.stringify(lacking.json)).toContain("is required by the workflow");
    expect(await runCount()).toBe(before);
  });

  it("refuses a body over WEBHOOK_MAX_BODY_BYTES with 413, and a GET with 405", async () => {
    const { name, secret } = await newTrigger();
    const big = JSON.stringify({ text: "x".repeat(MAX_BODY) });
    const answer = await deliver(name, secret, big);
    expect(answer.status).toBe(413);
    expect(answer.json).toMatchObject({ error: { reason: "BODY_TOO_LARGE" } });
    const get = await fetch(`${p.executors[0]!.server.url}/hooks/${name}`);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("refuses a streamed body (no Content-Length) once it grows past the limit", async () => {
    const { name, secret } = await newTrigger();
    const chunk = new TextEncoder().encode("x".repeat(1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 8) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const res = await fetch(`${p.executors[0]!.server.url}/hooks/${name}`, {
      method: "POST",
      headers: { "x-hub-signature-256": sign(secret, "") },
      body,
      duplex: "half",
    });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ error: { reason: "BODY_TOO_LARGE" } });
  });

  it("answers over HTTP/2 (prior knowledge) like over HTTP/1.1", async () => {
    const { name, secret } = await newTrigger();
    const body = JSON.stringify({ text: "over h2" });
    const session = connect(p.executors[0]!.server.url);
    try {
      const answer = await new Promise<{ status: number; json: { runId?: string } }>((resolve, reject) => {
        const req = session.request({
          ":method": "POST",
          ":path": `/hooks/${name}`,
          "content-type": "application/json",
          "x-hub-signature-256": sign(secret, body),
        });
        let status = 0;
        let text = "";
        req.on("response", (headers) => (status = Number(headers[":status"])));
        req.on("data", (c: Buffer) => (text += c.toString()));
        req.on("end", () => resolve({ status, json: JSON.parse(text) as { runId?: string } }));
        req.on("error", reject);
        req.end(body);
      });
      expect(answer.status).toBe(202);
      const run = await finished(answer.json.runId!);
      expect(run.outputs).toEqual({ result: "echo: over h2" });
    } finally {
      session.close();
    }
  });

  it("CreateTrigger refuses bad input precisely and changes nothing", async () => {
    const before = (await rowCounts(p.db.url))["webhook_triggers"];
    const bad = await expectCode(
      triggers.createTrigger({
        name: "Bad Name",
        workflow: { workflow: { case: "name", value: flow } },
        inputPaths: { text: "a..b", "not-an-input": "x" },
        ratePerMinute: -1,
      }),
      Code.InvalidArgument,
    );
    const fields = bad.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations.map((v) => v.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        "name",
        'input_paths["text"]',
        'input_paths["not-an-input"]',
        "rate_per_minute",
      ]),
    );
    await expectCode(triggers.createTrigger({ name: uniqueName("hook") }), Code.InvalidArgument);
    await expectCode(
      triggers.createTrigger({
        name: uniqueName("hook"),
        workflow: { workflow: { case: "name", value: "no-such-workflow" } },
      }),
      Code.NotFound,
    );
    const undeclared = await expectCode(
      triggers.createTrigger({
        name: uniqueName("hook"),
        workflow: { workflow: { case: "name", value: flow } },
        inputPaths: { title: "pull_request.title" },
      }),
      Code.InvalidArgument,
    );
    expect(undeclared.rawMessage).toContain('"title" is not an input of workflow');
    expect((await rowCounts(p.db.url))["webhook_triggers"]).toBe(before);
    const { name } = await newTrigger();
    await expectCode(
      triggers.createTrigger({ name, workflow: { workflow: { case: "name", value: flow } } }),
      Code.AlreadyExists,
    );
  });

  it("mcp trigger create / list / get / rotate-secret / rm drive the same triggers", async () => {
    const name = uniqueName("cli-hook");
    const created = await cliAgainst(
      p,
      "trigger",
      "create",
      name,
      "--workflow",
      flow,
      "--map",
      "text=issue.title",
      "--rate",
      "30",
      "--burst",
      "3",
    );
    expect(created.stderr).toBe("");
    expect(created.code).toBe(0);
    const secret = /secret \(shown once[^)]*\): ([0-9a-f]{64})/.exec(created.stdout)?.[1];
    expect(secret).toBeDefined();
    const answer = await deliver(name, secret!, { issue: { title: "from the CLI" } });
    expect(answer.status).toBe(202);
    expect((await finished(answer.json["runId"] as string)).outputs).toEqual({
      result: "echo: from the CLI",
    });

    const listed = await cliAgainst(p, "trigger", "list");
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`${name}\\s+${flow}\\s+/hooks/${name}\\s+30/min, 3 at once`));
    expect(listed.stdout).not.toContain(secret!);
    const got = await cliAgainst(p, "trigger", "get", name, "-o", "json");
    expect(JSON.parse(got.stdout)).toMatchObject({
      name,
      inputPaths: { text: "issue.title" },
      ratePerMinute: 30,
    });

    const rotated = await cliAgainst(p, "trigger", "rotate-secret", name);
    const next = /: ([0-9a-f]{64})$/m.exec(rotated.stdout)?.[1];
    expect(next).toBeDefined();
    expect((await deliver(name, secret!, { issue: { title: "old" } })).status).toBe(401);

    expect((await cliAgainst(p, "trigger", "rm", name)).stdout).toBe(`deleted trigger/${name}\n`);
    const missing = await cliAgainst(p, "trigger", "get", name);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain(`trigger "${name}" not found`);
    const bad = await cliAgainst(p, "trigger", "create", "x", "--workflow", flow, "--map", "oops");
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("--map wants input=path");
  });

  // last: the suite's first executor (key A only) cannot open the re-sealed secrets afterwards
  it("RotateSecretsKey re-seals trigger secrets too: an executor with only the new key checks their signatures", async () => {
    const { name, secret, trigger } = await newTrigger();
    const keyB = randomBytes(32).toString("base64");
    const both = await p.addExecutor({ SECRETS_KEY: `kb:${keyB},${KEY_A}` });
    const secrets = createClient(SecretService, createGrpcTransport({ baseUrl: both.server.url }));
    const rotated = await secrets.rotateSecretsKey({});
    expect(rotated.keyId).toBe("kb");
    expect(rotated.reencrypted).toBeGreaterThanOrEqual(1);
    const got = (await triggers.getTrigger({ name })).trigger!;
    expect(got.keyId).toBe("kb");
    expect(got.secretTime).toEqual(trigger.secretTime);
    expect((await secrets.rotateSecretsKey({})).reencrypted).toBe(0);

    const onlyB = await p.addExecutor({ SECRETS_KEY: `kb:${keyB}` });
    const body = JSON.stringify({ text: "after the key rotation" });
    const res = await fetch(`${onlyB.server.url}/hooks/${name}`, {
      method: "POST",
      headers: { "x-hub-signature-256": sign(secret, body) },
      body,
    });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    expect((await finished(runId)).outputs).toEqual({ result: "echo: after the key rotation" });
  });
});
