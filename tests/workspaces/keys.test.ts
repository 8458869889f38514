import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { RunStatus } from "@mcp/proto/executor";
import { WorkspaceService } from "@mcp/proto/registry";
import { ApiKeyStore, openDatabase } from "@mcp/db";
import { generateApiKey } from "@mcp/runtime";
import { createMigratedTestDatabase } from "../support/database";
import { adminKeys } from "../auth/keys";
import { expectCode } from "../support/errors";
import { waitFor } from "../support/wait-for";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, spec, step } from "../support/run-specs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

/** `npm run keys -- create` with a workspace; the printed key. */
async function keyOf(dbUrl: string, workspace: string, role = "admin"): Promise<string> {
  const run = await adminKeys(
    dbUrl,
    "create",
    "--name",
    uniqueName("k"),
    "--role",
    role,
    "--workspace",
    workspace,
  );
  if (run.code !== 0) throw new Error(run.stderr);
  expect(run.stderr).toContain(workspace === "*" ? "every workspace" : `workspace: ${workspace}`);
  return run.stdout.trim();
}

const as = (key: string, workspace?: string) => ({
  headers: { authorization: `Bearer ${key}`, ...(workspace ? { "x-mcp-workspace": workspace } : {}) },
});

describe("API keys and workspaces (AUTH_ENABLED=true)", () => {
  let p: TestPlatform;
  const teamA = uniqueName("keys-a");
  const teamB = uniqueName("keys-b");
  let keyA: string;
  let admin: string;
  let dbUrl: string;

  beforeAll(async () => {
    // the services' own key serves every workspace: they forward their callers' workspaces
    const db = await createMigratedTestDatabase();
    dbUrl = db.url;
    await (await openDatabase({ url: db.url })).dataSource.destroy();
    const service = await keyOf(db.url, "*", "viewer");
    p = await startPlatform({
      db,
      env: { AUTH_ENABLED: "true", AUTH_CACHE_MS: "300", SERVICE_API_KEY: service },
    });
    admin = await keyOf(db.url, "*", "admin");
    const workspaces = createClient(WorkspaceService, createGrpcTransport({ baseUrl: p.registry.url }));
    await workspaces.createWorkspace({ name: teamA }, as(admin));
    await workspaces.createWorkspace({ name: teamB }, as(admin));
    keyA = await keyOf(db.url, teamA);
  }, 120_000);
  afterAll(async () => {
    await p.stop();
  });

  it("a key works in its workspace: services call each other in the caller's workspace", async () => {
    const mcp = uniqueName("echo");
    const workflow = uniqueName("wf");
    await p.clients.registry.createMcp({ name: mcp, config: scriptConfig(ECHO_SCRIPT) }, as(keyA, teamA));
    // workflows → registry (GetMcp) with the service key, in team-a
    await p.clients.workflows.createWorkflow(
      {
        name: workflow,
        spec: spec([step("echo", mcp, { inputs: { text: input("text") } })], {
          inputs: [{ name: "text", required: true }],
        }),
      },
      as(keyA, teamA),
    );
    // executor → workflows and registry, in team-a
    const done = await p.clients.executor.executeWorkflow(
      { workflow: { workflow: { case: "name", value: workflow } }, inputs: { text: "hi" }, wait: true },
      as(keyA, teamA),
    );
    expect(done.run?.status).toBe(RunStatus.SUCCEEDED);
    expect(done.run?.workspace).toBe(teamA);
  }, 60_000);

  it("a key used with another workspace's header is PERMISSION_DENIED naming the key's workspace", async () => {
    const other = await expectCode(
      p.clients.registry.createMcp(
        { name: uniqueName("x"), config: scriptConfig(ECHO_SCRIPT) },
        as(keyA, teamB),
      ),
      Code.PermissionDenied,
    );
    expect(other.rawMessage).toContain(`belongs to workspace "${teamA}", not "${teamB}"`);
    // no header = `default`, which is another workspace too
    const none = await expectCode(p.clients.executor.listRuns({}, as(keyA)), Code.PermissionDenied);
    expect(none.rawMessage).toContain(`belongs to workspace "${teamA}"`);
  });

  it("creating a workspace needs a key of every workspace", async () => {
    const workspaces = createClient(WorkspaceService, createGrpcTransport({ baseUrl: p.registry.url }));
    const err = await expectCode(
      workspaces.createWorkspace({ name: uniqueName("nope") }, as(keyA, teamA)),
      Code.PermissionDenied,
    );
    expect(err.rawMessage).toContain("needs a key of every workspace");
    expect((await workspaces.listWorkspaces({}, as(keyA))).workspaces.length).toBeGreaterThanOrEqual(3);
  });

  it("revoking by a name live in two workspaces needs the workspace; then only that key goes", async () => {
    const name = uniqueName("same");
    const { dataSource } = await openDatabase({ url: dbUrl, poolSize: 1 });
    const store = new ApiKeyStore(dataSource);
    try {
      const [inA, inB] = await Promise.all(
        [teamA, teamB].map(async (workspace) => {
          const key = generateApiKey();
          await store.create({ id: key.id, name, secretHash: key.secretHash, role: "viewer", workspace });
          return key.token;
        }),
      );
      const live = async () => (await store.list({ liveOnly: true })).filter((row) => row.name === name);

      const ambiguous = await adminKeys(dbUrl, "revoke", name);
      expect(ambiguous.code).toBe(1);
      expect(ambiguous.stderr).toContain(
        `a live API key named "${name}" exists in 2 workspaces (${[teamA, teamB].sort().join(", ")})`,
      );
      expect(await live()).toHaveLength(2);

      const revoked = await adminKeys(dbUrl, "revoke", name, "--workspace", teamA);
      expect(revoked.code).toBe(0);
      expect((await live()).map((row) => row.workspace)).toEqual([teamB]);
      // refused once the services' key cache (AUTH_CACHE_MS=300) lets go; the other keeps working
      await waitFor("the revoked key to be refused", () =>
        p.clients.executor.listRuns({}, as(inA!, teamA)).then(
          () => undefined,
          (err: unknown) => err,
        ),
      );
      await expectCode(p.clients.executor.listRuns({}, as(inA!, teamA)), Code.Unauthenticated);
      await p.clients.executor.listRuns({}, as(inB!, teamB));
      await expect(store.revoke(name, teamA)).rejects.toThrow(`${teamA}/${name}`);
    } finally {
      await dataSource.destroy();
    }
  }, 60_000);
});
