import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import type { TestDatabase } from "@mcp/db/testing";
import { createMigratedTestDatabase } from "../support/database";
import { startExecutor, type ExecutorApp } from "@mcp/executor/app";
import { createLogger, generateApiKey } from "@mcp/runtime";
import { executorEnv } from "../support/platform";
import { derivedKeyId, loadExecutorConfig } from "@mcp/executor/config";

const ROOT = resolve(__dirname, "../..");
const BIN = resolve(ROOT, "cli/bin/mcpctl.cjs");

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `mcp --executor URL ARGS` as a child process, with `stdin` piped in and `apiKey` in MCP_API_KEY. */
function mcp(
  url: string,
  args: string[],
  options: { stdin?: string; apiKey?: string } = {},
): Promise<Result> {
  const env = { ...process.env };
  for (const name of ["REGISTRY_URL", "WORKFLOWS_URL", "EXECUTOR_URL", "MCP_API_KEY"]) delete env[name];
  if (options.apiKey) env["MCP_API_KEY"] = options.apiKey;
  return new Promise((done, reject) => {
    const child = spawn(process.execPath, [BIN, "--executor", url, ...args], {
      cwd: ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdin.end(options.stdin ?? "");
    const guard = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(guard);
      done({ code, stdout, stderr });
    });
  });
}

describe("mcp secret against a real executor with API keys on", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let executor: ExecutorApp;
  let dir: string;
  let admin: string;
  let writer: string;
  const key = randomBytes(32);
  const keyId = derivedKeyId(key);
  const values: string[] = [];
  const value = (label: string) => {
    const v = `${label}-${randomBytes(8).toString("hex")}`;
    values.push(v);
    return v;
  };
  /** Fails when a command printed a secret value. */
  const expectNoValue = (r: Result) => {
    for (const v of values) expect(r.stdout + r.stderr).not.toContain(v);
  };

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    dataSource = (await openDatabase({ url: db.url, poolSize: 2 })).dataSource;
    const keys = new ApiKeyStore(dataSource);
    const adminKey = generateApiKey();
    await keys.create({ id: adminKey.id, name: "ops", secretHash: adminKey.secretHash, role: "admin" });
    admin = adminKey.token;
    const writerKey = generateApiKey();
    await keys.create({
      id: writerKey.id,
      name: "ci",
      secretHash: writerKey.secretHash,
      role: "editor",
    });
    writer = writerKey.token;
    const env = executorEnv(db, "http://127.0.0.1:9", "http://127.0.0.1:9", {
      AUTH_ENABLED: "true",
      SECRETS_KEY: key.toString("base64"),
    });
    const config = loadExecutorConfig(env);
    executor = await startExecutor(config, createLogger({ service: "executor", level: config.logLevel }));
    dir = await mkdtemp(join(tmpdir(), "mcp-cli-secret-"));
  });
  afterAll(async () => {
    await executor?.stop();
    await dataSource?.destroy();
    await db?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("secret set › takes the value from --value, --from-file or stdin and prints the value version, never the value", async () => {
    const url = executor.server.url;
    const fromFlag = await mcp(
      url,
      ["secret", "set", "FROM_FLAG", "--value", value("flag"), "--description", "by flag"],
      {
        apiKey: admin,
      },
    );
    expect(fromFlag).toMatchObject({ code: 0, stderr: "" });
    expect(fromFlag.stdout.trim()).toBe(`created secret/FROM_FLAG v1 (key ${keyId})`);

    const file = join(dir, "token.txt");
    const fileValue = value("file");
    await writeFile(file, `${fileValue}\n`);
    const fromFile = await mcp(url, ["secret", "set", "FROM_FILE", "--from-file", file], { apiKey: admin });
    expect(fromFile.stdout.trim()).toBe(`created secret/FROM_FILE v1 (key ${keyId})`);

    const piped = value("stdin");
    const fromStdin = await mcp(url, ["secret", "set", "FROM_FLAG"], { apiKey: admin, stdin: `${piped}\n` });
    expect(fromStdin.stdout.trim()).toBe(`updated secret/FROM_FLAG v2 (key ${keyId})`);

    expect(await executor.secrets.reveal("default", ["FROM_FLAG", "FROM_FILE"])).toEqual(
      new Map([
        ["FROM_FLAG", piped],
        ["FROM_FILE", fileValue],
      ]),
    );
    for (const r of [fromFlag, fromFile, fromStdin]) expectNoValue(r);
  });

  it("secret list › shows name, value version, key id, updated and by whom; -o json too; never a value", async () => {
    const table = await mcp(executor.server.url, ["secret", "list"], { apiKey: admin });
    expect(table.code).toBe(0);
    const lines = table.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^NAME\s+VALUE VERSION\s+KEY ID\s+UPDATED\s+UPDATED BY\s+DESCRIPTION$/);
    expect(lines.find((l) => l.startsWith("FROM_FLAG"))).toMatch(
      new RegExp(`^FROM_FLAG\\s+v2\\s+${keyId}\\s+\\d{4}-\\d\\d-\\d\\dT\\S+Z\\s+ops\\s+by flag$`),
    );
    const json = await mcp(executor.server.url, ["secret", "list", "-o", "json"], { apiKey: admin });
    const parsed = JSON.parse(json.stdout) as { secrets: { name: string; valueVersion: number }[] };
    expect(parsed.secrets.map((s) => s.name)).toEqual(["FROM_FILE", "FROM_FLAG"]);
    for (const r of [table, json]) expectNoValue(r);
  });

  it("secret rotate-key › reports how many were re-encrypted and the current key", async () => {
    const rotated = await mcp(executor.server.url, ["secret", "rotate-key"], { apiKey: admin });
    expect(rotated).toMatchObject({ code: 0, stderr: "" });
    expect(rotated.stdout.trim()).toBe(
      `re-encrypted 0 secret(s); every secret is now sealed with key ${keyId}`,
    );
  });

  it("secret rm › deletes it; a second rm is NOT_FOUND with exit code 1", async () => {
    const removed = await mcp(executor.server.url, ["secret", "rm", "FROM_FILE"], { apiKey: admin });
    expect(removed).toMatchObject({ code: 0, stdout: "deleted secret/FROM_FILE\n" });
    const again = await mcp(executor.server.url, ["secret", "rm", "FROM_FILE"], { apiKey: admin });
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe('error: executor: NotFound: secret "FROM_FILE" not found');
  });

  it("refuses without the admin role (exit 2, naming the role) and bad input before or at the service", async () => {
    const denied = await mcp(executor.server.url, ["secret", "list"], { apiKey: writer });
    expect(denied.code).toBe(2);
    expect(denied.stderr).toContain('ListSecrets needs the "admin" role in workspace "default"');
    expect(denied.stderr).toContain("pass --api-key, set MCP_API_KEY or sign in with `mcp login`");

    const reserved = await mcp(executor.server.url, ["secret", "set", "PATH", "--value", value("path")], {
      apiKey: admin,
    });
    expect(reserved.code).toBe(2);
    expect(reserved.stderr).toContain('name: "PATH" is reserved');

    const both = await mcp(executor.server.url, ["secret", "set", "X", "--value", "a", "--from-file", "b"], {
      apiKey: admin,
    });
    expect(both).toMatchObject({
      code: 2,
      stderr: "error: give the value with --value or --from-file, not both\n",
    });
    for (const r of [denied, reserved, both]) expectNoValue(r);
  });
});
