import { existsSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ExecutorService, RunStatus, SecretService, StepStatus } from "@mcp/proto/executor";
import { RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { requireConsoleBuild } from "../support/console-build";
import {
  interrupt,
  processesMentioning,
  startLauncher,
  stopLaunchers,
  type Launcher,
} from "../support/launcher";
import { uniqueName } from "../support/mcps";
import { CONCAT_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { echoConcatSpec } from "../support/specs";

/** Reads a URL's body, or fails if the request does not complete. */
async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

describe("npm start › single-node mode (no DATABASE_URL, no REDIS_URL)", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "mcp-start-"));
  const running: Launcher[] = [];

  afterAll(async () => {
    await stopLaunchers(running);
    for (const pid of processesMentioning(dataDir)) process.kill(pid, "SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  let runId = "";
  /** Id of the secrets key the first start created (SECRETS_KEY unset: "" overrides the machine's). */
  let secretsKeyId = "";

  it("serves a full workflow run on an embedded PostgreSQL, and Ctrl-C stops everything with exit 0", async () => {
    const launcher = await startLauncher({ MCP_DATA_DIR: dataDir, SECRETS_KEY: "" });
    running.push(launcher);
    const log = launcher.output.join("");
    expect(log).toContain("single-node mode");
    expect(log).toContain(
      `no SECRETS_KEY: created a secrets key in ${join(dataDir, "secrets.key")} (mode 0600)`,
    );
    expect(statSync(join(dataDir, "secrets.key")).mode & 0o777).toBe(0o600);
    expect(log).toContain("initialised now");
    expect(log).toContain(`Try:`);

    const transport = (url: string) => createGrpcTransport({ baseUrl: url });
    const registry = createClient(RegistryService, transport(launcher.urls.registry));
    const workflows = createClient(WorkflowService, transport(launcher.urls.workflows));
    const executor = createClient(ExecutorService, transport(launcher.urls.executor));
    const echo = uniqueName("echo");
    const concat = uniqueName("concat");
    await registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await registry.createMcp({ name: concat, config: scriptConfig(CONCAT_SCRIPT) });
    const workflow = uniqueName("pipeline");
    await workflows.createWorkflow({ name: workflow, spec: echoConcatSpec(echo, concat) });
    const { run } = await executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { text: "hello world" },
      wait: true,
      waitTimeoutSeconds: 30,
    });
    expect(run?.status).toBe(RunStatus.SUCCEEDED);
    expect(run?.outputs).toEqual({ result: "echo: hello world" });
    expect(run?.steps.map((s) => [s.stepId, s.status])).toEqual([
      ["echo", StepStatus.SUCCEEDED],
      ["concat", StepStatus.SUCCEEDED],
    ]);
    runId = run!.id;

    const secrets = createClient(SecretService, transport(launcher.urls.executor));
    const put = await secrets.putSecret({ name: "START_TOKEN", value: "kept-between-starts" });
    expect(put.created).toBe(true);
    secretsKeyId = put.secret!.keyId;

    expect(processesMentioning(dataDir).length).toBeGreaterThan(0); // the embedded server really ran
    // one Ctrl-C arrives twice (the terminal's and tsx's relay): still one graceful stop
    expect(await interrupt(launcher, { asTerminal: true })).toBe(0);
    expect(launcher.output.join("")).not.toContain("again: exiting now");
    expect(processesMentioning(dataDir)).toEqual([]);
    expect(existsSync(join(dataDir, "postgres", "postmaster.pid"))).toBe(false);
  }, 240_000);

  it("serves the web console, whose /config.json points the browser at the services it started", async () => {
    requireConsoleBuild();
    const launcher = await startLauncher({ MCP_DATA_DIR: dataDir });
    running.push(launcher);
    const consoleUrl = launcher.consoleUrl;
    expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/); // in the banner

    const index = await get(`${consoleUrl}/`);
    expect(index).toEqual({
      status: 200,
      type: "text/html;charset=utf-8",
      body: expect.stringContaining('<div id="root">') as unknown,
    });
    expect((await get(`${consoleUrl}/mcps/anything`)).body).toBe(index.body); // client-side routes
    const config = await get(`${consoleUrl}/config.json`);
    expect(config.type).toBe("application/json; charset=utf-8");
    expect(JSON.parse(config.body)).toEqual({
      registryUrl: launcher.urls.registry,
      workflowsUrl: launcher.urls.workflows,
      executorUrl: launcher.urls.executor,
    });

    expect(await interrupt(launcher)).toBe(0);
    await expect(fetch(`${consoleUrl}/`)).rejects.toThrow(); // stopped with the rest
  }, 240_000);

  it("keeps the data between starts: a second start reuses the cluster and still has the run", async () => {
    expect(runId).not.toBe("");
    const launcher = await startLauncher({ MCP_DATA_DIR: dataDir, SECRETS_KEY: "" });
    running.push(launcher);
    expect(launcher.output.join("")).not.toContain("initialised now");
    expect(launcher.output.join("")).toContain(
      `no SECRETS_KEY: using the secrets key in ${join(dataDir, "secrets.key")}`,
    );
    const executor = createClient(ExecutorService, createGrpcTransport({ baseUrl: launcher.urls.executor }));
    const { run } = await executor.getRun({ id: runId });
    expect(run?.status).toBe(RunStatus.SUCCEEDED);
    expect(run?.outputs).toEqual({ result: "echo: hello world" });
    // the same key: the secret set before is sealed with the current key, nothing to re-encrypt
    const secrets = createClient(SecretService, createGrpcTransport({ baseUrl: launcher.urls.executor }));
    expect(await secrets.rotateSecretsKey({})).toMatchObject({ keyId: secretsKeyId, reencrypted: 0 });
    expect((await secrets.getSecret({ name: "START_TOKEN" })).secret?.keyId).toBe(secretsKeyId);

    expect(await interrupt(launcher)).toBe(0);
    expect(processesMentioning(dataDir)).toEqual([]);
  }, 240_000);
});
