import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import { RunStatus, TriggerService } from "@mcp/proto/executor";
import { generateApiKey } from "@mcp/runtime";
import { createKey } from "../auth/keys";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { CONCAT_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { echoConcatSpec } from "../support/specs";
import { waitFor } from "../support/wait-for";

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe("webhook triggers with API keys on", () => {
  let p: TestPlatform;
  let keys: DataSource;
  let triggers: Client<typeof TriggerService>;
  let admin: string;
  let ci: string;
  const service = generateApiKey();
  const flow = uniqueName("hooked");

  beforeAll(async () => {
    p = await startPlatform({
      env: { AUTH_ENABLED: "true", AUTH_CACHE_MS: "300", SERVICE_API_KEY: service.token },
      executorEnv: { SECRETS_KEY: randomBytes(32).toString("base64") },
    });
    keys = (await openDatabase({ url: p.db.url, poolSize: 2 })).dataSource;
    await new ApiKeyStore(keys).create({
      id: service.id,
      name: "platform-services",
      secretHash: service.secretHash,
      role: "viewer",
    });
    admin = await createKey(p.db.url, uniqueName("admin"), "admin");
    ci = await createKey(p.db.url, uniqueName("ci"), "editor");
    const echo = uniqueName("echo");
    const concat = uniqueName("concat");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) }, bearer(ci));
    await p.clients.registry.createMcp({ name: concat, config: scriptConfig(CONCAT_SCRIPT) }, bearer(ci));
    await p.clients.workflows.createWorkflow({ name: flow, spec: echoConcatSpec(echo, concat) }, bearer(ci));
    triggers = createClient(TriggerService, createGrpcTransport({ baseUrl: p.executors[0]!.server.url }));
  });
  afterAll(async () => {
    await keys?.destroy();
    await p?.stop();
  });

  it("TriggerService needs the admin role for every method, reads included", async () => {
    await expectCode(triggers.listTriggers({}), Code.Unauthenticated);
    await expectCode(triggers.listTriggers({}, bearer(ci)), Code.PermissionDenied);
    await expectCode(
      triggers.createTrigger(
        { name: uniqueName("hook"), workflow: { workflow: { case: "name", value: flow } } },
        bearer(ci),
      ),
      Code.PermissionDenied,
    );
    const listed = await triggers.listTriggers({}, bearer(admin));
    expect(listed.triggers).toEqual([]);
  });

  it("a delivery needs no API key: its signature authenticates it, and the run starts and succeeds", async () => {
    const name = uniqueName("hook");
    const created = await triggers.createTrigger(
      { name, workflow: { workflow: { case: "name", value: flow } } },
      bearer(admin),
    );
    expect(created.trigger?.createdBy).toMatch(/^admin-/);
    const body = JSON.stringify({ text: "keyless" });
    const res = await fetch(`${p.executors[0]!.server.url}/hooks/${name}`, {
      method: "POST",
      headers: {
        "x-hub-signature-256": `sha256=${createHmac("sha256", created.secret).update(body).digest("hex")}`,
        "x-delivery-id": randomUUID(),
      },
      body,
    });
    expect(res.status).toBe(202);
    const { runId } = (await res.json()) as { runId: string };
    const run = await waitFor(
      "the run to finish",
      async () => {
        const got = await p.clients.executor.getRun({ id: runId }, bearer(ci));
        return got.run && got.run.status !== RunStatus.PENDING && got.run.status !== RunStatus.RUNNING
          ? got.run
          : undefined;
      },
      { timeoutMs: 120_000 },
    );
    expect(run.status).toBe(RunStatus.SUCCEEDED);
    expect(run.outputs).toEqual({ result: "echo: keyless" });
  });
});
