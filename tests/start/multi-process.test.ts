import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ApiKeyStore, openDatabase } from "@mcp/db";
import { createTestDatabase, type TestDatabase } from "@mcp/db/testing";
import { generateApiKey } from "@mcp/runtime";
import { requireConsoleBuild } from "../support/console-build";
import { interrupt, startLauncher, stopLaunchers, type Launcher } from "../support/launcher";
import { TEST_REDIS_URL } from "../support/registry";

async function get(url: string): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

/** A Connect JSON call, as a browser would make it. */
async function listMcps(registryUrl: string, key?: string): Promise<number> {
  return (await post(`${registryUrl}/mcp.registry.v1.RegistryService/ListMcps`, {}, key)).status;
}

/** A Connect JSON call (in `workspace` when given). */
function post(url: string, body: object, key?: string, workspace?: string): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(workspace ? { "x-mcp-workspace": workspace } : {}),
    },
    body: JSON.stringify(body),
  });
}

/** An admin key of every workspace in the database at `url`, as `npm run keys -- create --role admin --workspace '*'` makes one. */
async function adminKey(url: string): Promise<string> {
  const { dataSource } = await openDatabase({ url, poolSize: 2 });
  try {
    const key = generateApiKey();
    await new ApiKeyStore(dataSource).create({
      id: key.id,
      name: `admin-${key.id}`,
      secretHash: key.secretHash,
      role: "admin",
      workspace: "*",
    });
    return key.token;
  } finally {
    await dataSource.destroy();
  }
}

/** A console workspace whose build script is `script` (instead of `vite build`), with no build yet. */
function fakeConsole(root: string, script: string): string {
  const dir = mkdtempSync(join(root, "console-"));
  writeFileSync(
    join(dir, "package.json"),
    JSON.stringify({ name: "fake-console", scripts: { build: script } }),
  );
  mkdirSync(join(dir, "src"));
  writeFileSync(join(dir, "src", "main.ts"), "export {};\n");
  return dir;
}

const BUILD_WRITES_MARKER =
  `node -e "const fs=require('fs');fs.mkdirSync('dist',{recursive:true});` +
  `fs.writeFileSync('dist/index.html','<p>fake console built by npm start</p>')"`;
const BUILD_FAILS = `node -e "console.error('vite: something broke in src/main.ts'); process.exit(1)"`;

describe("npm start › one process per service (DATABASE_URL and REDIS_URL given)", () => {
  const running: Launcher[] = [];
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await stopLaunchers(running);
    await db?.drop();
  });

  it("serves the web console beside the service processes, and Ctrl-C stops them all", async () => {
    requireConsoleBuild();
    const launcher = await startLauncher({ DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL });
    running.push(launcher);
    expect(launcher.output.join("")).toContain("one process per service");
    const consoleUrl = launcher.consoleUrl;
    expect(consoleUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const index = await get(`${consoleUrl}/`);
    expect(index.status).toBe(200);
    expect(index.body).toContain('<div id="root">');
    expect(JSON.parse((await get(`${consoleUrl}/config.json`)).body)).toEqual({
      registryUrl: launcher.urls.registry,
      workflowsUrl: launcher.urls.workflows,
      executorUrl: launcher.urls.executor,
    });
    // with Redis, authentication is on: every call needs a key; npm start gave the services their own
    expect(launcher.output.join("")).toContain('created the viewer key "npm-start-services"');
    expect(await listMcps(launcher.urls.registry)).toBe(401);
    const admin = await adminKey(db.url);
    expect(await listMcps(launcher.urls.registry, admin)).toBe(200);
    const mcp = `started-${Date.now()}`;
    const created = await post(
      `${launcher.urls.registry}/mcp.registry.v1.RegistryService/CreateMcp`,
      { name: mcp, config: { pythonScript: { scriptContent: "print(1)" } } },
      admin,
    );
    expect(created.status).toBe(200);
    // the workflows service checks the step's MCP with the registry, presenting that key
    const flow = await post(
      `${launcher.urls.workflows}/mcp.workflows.v1.WorkflowService/CreateWorkflow`,
      { name: `${mcp}-flow`, spec: { steps: [{ stepId: "s", mcp: { name: mcp } }] } },
      admin,
    );
    expect(flow.status).toBe(200);
    // ...in every workspace, not only `default`
    const team = `team-${Date.now()}`;
    const made = await post(
      `${launcher.urls.registry}/mcp.registry.v1.WorkspaceService/CreateWorkspace`,
      { name: team },
      admin,
    );
    expect(made.status).toBe(200);
    expect(
      (
        await post(
          `${launcher.urls.registry}/mcp.registry.v1.RegistryService/CreateMcp`,
          { name: mcp, config: { pythonScript: { scriptContent: "print(2)" } } },
          admin,
          team,
        )
      ).status,
    ).toBe(200);
    const teamFlow = await post(
      `${launcher.urls.workflows}/mcp.workflows.v1.WorkflowService/CreateWorkflow`,
      { name: `${mcp}-flow`, spec: { steps: [{ stepId: "s", mcp: { name: mcp } }] } },
      admin,
      team,
    );
    expect(await teamFlow.text()).toContain(`"workspace":"${team}"`);

    expect(await interrupt(launcher)).toBe(0);
    await expect(fetch(`${consoleUrl}/`)).rejects.toThrow();
    await expect(listMcps(launcher.urls.registry)).rejects.toThrow();
  }, 240_000);
});

describe("npm start › the console's build and settings", () => {
  const running: Launcher[] = [];
  const root = mkdtempSync(join(tmpdir(), "mcp-start-console-"));
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await stopLaunchers(running);
    await db?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  it("builds a missing console build once, says so, then serves it", async () => {
    const consoleDir = fakeConsole(root, BUILD_WRITES_MARKER);
    const launcher = await startLauncher({ DATABASE_URL: db.url, CONSOLE_DIR: consoleDir });
    running.push(launcher);
    const log = launcher.output.join("");
    expect(log).toContain(`no console build in ${consoleDir}/dist: building it`);
    expect(log).toContain("console built");
    expect((await get(`${launcher.consoleUrl}/`)).body).toBe("<p>fake console built by npm start</p>");
    expect(await interrupt(launcher)).toBe(0);
  }, 240_000);

  it("runs the services without the console when its build fails, and says why", async () => {
    const consoleDir = fakeConsole(root, BUILD_FAILS);
    const launcher = await startLauncher({ DATABASE_URL: db.url, CONSOLE_DIR: consoleDir });
    running.push(launcher);
    const log = launcher.output.join("");
    expect(log).toContain("the console could not be built; the services run without it");
    expect(log).toContain("vite: something broke in src/main.ts");
    expect(log).toMatch(/\n {2}console +not available: its build failed/);
    expect(launcher.consoleUrl).toBeUndefined();
    expect(await listMcps(launcher.urls.registry)).toBe(200);
    expect(await interrupt(launcher)).toBe(0);
  }, 240_000);

  it("serves no console with CONSOLE_PORT=off, and says so", async () => {
    const launcher = await startLauncher({ DATABASE_URL: db.url, CONSOLE_PORT: "off" });
    running.push(launcher);
    expect(launcher.output.join("")).toMatch(/\n {2}console +off \(CONSOLE_PORT=off\)/);
    expect(launcher.consoleUrl).toBeUndefined();
    expect(await interrupt(launcher)).toBe(0);
  }, 240_000);

  it("refuses a bad console setting before starting anything, naming it (exit code 2)", async () => {
    await expect(
      startLauncher({ DATABASE_URL: db.url, CONSOLE_PORT: "eighty", CONSOLE_REGISTRY_URL: "registry:50051" }),
    ).rejects.toThrow(
      /exited \(2\)[^]*CONSOLE_PORT must be a port number[^]*CONSOLE_REGISTRY_URL must be a URL/,
    );
  }, 180_000);
});
