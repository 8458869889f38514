import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createTestDatabase, type TestDatabase } from "@mcp/db/testing";
import { exampleCopy } from "../support/examples";
import { freePort } from "../support/free-port";
import { SANDBOX_NODE_MODULES } from "../support/platform";
import { TEST_REDIS_URL } from "../support/registry";
import { waitFor } from "../support/wait-for";

/**
 * The compiled entry points (`npm run build`: dist/*.cjs) run with plain `node` — no tsx, no
 * TypeScript loader — as the image and deploy/k8s run them: the migration job, the three services in
 * DB_MIGRATIONS=check mode, a workflow run through them with the compiled CLI, and a clean SIGTERM.
 */
const ROOT = resolve(__dirname, "../..");
const DIST = resolve(ROOT, "dist");
/** What `npm run build` makes (scripts/build/entries.ts), as the image, compose and deploy/k8s run them. */
const BUNDLES = ["registry", "workflows", "executor", "console", "migrate", "keys", "mcpctl"];
jest.setTimeout(180_000);

/** The environment of a compiled process: nothing inherited that could load TypeScript. */
function plainEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { PATH: process.env["PATH"], HOME: process.env["HOME"], LOG_FORMAT: "json" };
  return { ...env, ...extra };
}

/** Runs `node dist/<name>.cjs ARGS` to its end. */
function runToEnd(
  name: string,
  args: string[],
  env: Record<string, string>,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [join(DIST, `${name}.cjs`), ...args], {
      cwd: ROOT,
      env: plainEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    });
  });
}

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  output(): string;
}

async function startCompiled(name: string, env: Record<string, string>): Promise<Started> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(DIST, `${name}.cjs`)], {
    cwd: ROOT,
    env: plainEnv({ ...env, HOST: "127.0.0.1", PORT: String(port) }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (c: Buffer) => (output += c.toString()));
  child.stderr.on("data", (c: Buffer) => (output += c.toString()));
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    `${name} (compiled) to answer its health check`,
    async () => {
      if (child.exitCode !== null)
        throw new Error(`${name} exited ${child.exitCode}: ${output.slice(-2000)}`);
      const res = await fetch(`${url}/grpc.health.v1.Health/Check`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      const body = (await res.json()) as { status?: string };
      return body.status === "SERVING" ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 200 },
  );
  return { child, url, output: () => output };
}

function stop(started: Started): Promise<number | null> {
  return new Promise((done) => {
    if (started.child.exitCode !== null) return done(started.child.exitCode);
    started.child.once("exit", (code) => done(code));
    started.child.kill("SIGTERM");
  });
}

describe("compiled entry points (node dist/*.cjs)", () => {
  let db: TestDatabase;
  const running: Started[] = [];

  beforeAll(async () => {
    execFileSync(process.execPath, [require.resolve("tsx/cli"), "scripts/build.ts", "--no-console"], {
      cwd: ROOT,
      stdio: "pipe",
    });
    db = await createTestDatabase("mcp_compiled");
  });

  afterAll(async () => {
    for (const s of running) if (s.child.exitCode === null) s.child.kill("SIGKILL");
    await db?.drop();
  });

  it("builds one CommonJS file per entry, holding no TypeScript loader", () => {
    const bundles = readdirSync(DIST).filter((f) => f.endsWith(".cjs"));
    expect(bundles.sort()).toEqual(BUNDLES.map((name) => `${name}.cjs`).sort());
    for (const file of bundles) {
      const bundle = readFileSync(join(DIST, file), "utf8");
      expect(bundle).not.toMatch(/require\("tsx/);
      expect(bundle).not.toMatch(/require\("[^"]*\.ts"\)/);
    }
    expect(existsSync(join(DIST, "bootstrap.py"))).toBe(true);
  });

  it("refuses to serve on a schema older than the build in check mode, migrates with the job, then serves and runs", async () => {
    const common = {
      DATABASE_URL: db.url,
      REDIS_URL: TEST_REDIS_URL,
      AUTH_ENABLED: "false",
      LOG_LEVEL: "info",
    };
    const refused = await runToEnd("registry", [], { ...common, DB_MIGRATIONS: "check", PORT: "0" });
    expect(refused.code).toBe(1);
    expect(refused.stdout + refused.stderr).toContain("the database schema is older than this build");

    const migrated = await runToEnd("migrate", [], common);
    expect(migrated.code).toBe(0);
    expect(migrated.stdout).toMatch(/applied \d+ migration\(s\)/);
    const again = await runToEnd("migrate", ["--wait", "5"], common);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("the schema is this build's");

    const checked = { ...common, DB_MIGRATIONS: "check" };
    const registry = await startCompiled("registry", checked);
    running.push(registry);
    const workflows = await startCompiled("workflows", { ...checked, REGISTRY_URL: registry.url });
    running.push(workflows);
    const executor = await startCompiled("executor", {
      ...checked,
      REGISTRY_URL: registry.url,
      WORKFLOWS_URL: workflows.url,
      SANDBOX_READ_PATHS: SANDBOX_NODE_MODULES,
    });
    running.push(executor);

    const cli = (...args: string[]) =>
      runToEnd(
        "mcpctl",
        ["--registry", registry.url, "--workflows", workflows.url, "--executor", executor.url, ...args],
        {},
      );
    const sfx = Math.random().toString(36).slice(2, 8);
    const manifest = await exampleCopy(
      "echo-concat.yaml",
      mkdtempSync(join(tmpdir(), "mcp-compiled-")),
      sfx,
      ["echo-concat"],
    );
    const applied = await cli("apply", "-f", manifest);
    expect(applied.stderr).toBe("");
    expect(applied.code).toBe(0);
    const ran = await cli("run", `echo-concat-${sfx}`, "--input", "text=compiled", "-o", "json");
    expect(ran.code).toBe(0);
    expect(ran.stdout).toContain("echo says: compiled");

    // One SIGTERM: each drains and exits 0.
    for (const started of [executor, workflows, registry]) expect(await stop(started)).toBe(0);
    expect(registry.output()).toContain('"msg":"stopped"');
  });

  it("answers `mcpctl --help` from the bundle", async () => {
    const help = await runToEnd("mcpctl", ["--help"], {});
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: mcpctl /m);
  });
});
