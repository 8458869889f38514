import { randomBytes } from "node:crypto";
import { networkInterfaces } from "node:os";
import { resolve } from "node:path";
import { toJson, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import type { TestDatabase } from "@mcp/db/testing";
import { createMigratedTestDatabase } from "../support/database";
import {
  ExecutorService,
  RunStatus,
  SecretService,
  WorkflowRunSchema,
  type WorkflowRun,
} from "@mcp/proto/executor";
import { health } from "@mcp/proto/grpc";
import { NetworkAccess, type McpConfigSchema } from "@mcp/proto/registry";
import { generateApiKey, type Role } from "@mcp/runtime";
import { processesWith, startOutsideHost, type OutsideHost } from "@mcp/sandbox/testing";
import { Client as PgClient } from "pg";
import { expectCode } from "../support/errors";
import { FakeModel, openAiText } from "../support/fake-llm";
import { uniqueName } from "../support/mcps";
import { executorEnv, spawnExecutor, type ExecutorProcess } from "../support/platform";
import { crashExecutor } from "../support/kill-executor";
import { startTestRegistry, type TestRegistry } from "../support/registry";
import { waitFor } from "../support/wait-for";
import { startTestWorkflows } from "../support/workflows";
import type { WorkflowsApp } from "@mcp/workflows/app";

jest.setTimeout(120_000);

const ROOT = resolve(__dirname, "../..");
const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

/** A script that reports `expression` (evaluated after `setup`) as its one output, `found`. */
const reporting = (setup: string, expression: string) => `import json, os, socket, sys
${setup}
json.dump({"success": True, "result": {"found": ${expression}}, "error": None}, open(sys.argv[2], "w"))
`;

/** Python that tries a TCP connection to each target and maps it to "connected" or the errno. */
const CONNECT_ALL = `
def attempt(host, port):
    try:
        socket.create_connection((host, port), timeout=3).close()
        return "connected"
    except OSError as e:
        return "errno %s" % e.errno
def attempt_unix(path):
    try:
        s = socket.socket(socket.AF_UNIX); s.settimeout(3); s.connect(path); return "connected"
    except OSError as e:
        return "errno %s" % e.errno
`;

/**
 * Issue 13's attacks, as an attacker with a `write` key would make them, against the real services
 * with API keys on and a password on PostgreSQL: the executor runs in its own process with the
 * database URL (password included), the service key, Redis's URL and SECRETS_KEY in its environment.
 */
describe("untrusted step code cannot reach the platform", () => {
  let db: TestDatabase;
  let admin: DataSource;
  let outside: OutsideHost;
  let registry: TestRegistry;
  let workflows: WorkflowsApp;
  let executor: ExecutorProcess;
  let runs: Client<typeof ExecutorService>;
  let secrets: Client<typeof SecretService>;
  const role = `mcp_attack_${randomBytes(4).toString("hex")}`;
  const password = `pw-${randomBytes(12).toString("hex")}`;
  const secretsKey = randomBytes(32).toString("base64");
  const service = generateApiKey();
  let databaseUrl: string;
  let keys: { admin: string; writer: string; runner: string };
  /** What no step may ever see or show. */
  let crownJewels: string[];

  beforeAll(async () => {
    outside = await startOutsideHost();
    db = await createMigratedTestDatabase("mcp_attack");
    const superuser = new PgClient({ connectionString: db.url });
    await superuser.connect();
    await superuser.query(`CREATE ROLE ${role} LOGIN SUPERUSER PASSWORD '${password}'`);
    await superuser.end();
    const url = new URL(db.url);
    url.username = role;
    url.password = password;
    databaseUrl = url.toString();
    const withPassword = { ...db, url: databaseUrl };

    admin = (await openDatabase({ url: databaseUrl, poolSize: 2 })).dataSource;
    const store = new ApiKeyStore(admin);
    await store.create({
      id: service.id,
      name: "services",
      secretHash: service.secretHash,
      role: "viewer",
    });
    const key = async (name: string, role: Role) => {
      const k = generateApiKey();
      await store.create({ id: k.id, name, secretHash: k.secretHash, role });
      return k.token;
    };
    keys = {
      admin: await key(uniqueName("admin"), "admin"),
      writer: await key(uniqueName("attacker"), "editor"),
      runner: await key(uniqueName("runner"), "operator"),
    };
    const auth = { AUTH_ENABLED: "true", AUTH_CACHE_MS: "300", SERVICE_API_KEY: service.token };
    registry = await startTestRegistry({ db: withPassword, env: auth });
    workflows = await startTestWorkflows(withPassword, registry.url, auth);
    executor = await spawnExecutor(
      executorEnv(withPassword, registry.url, workflows.server.url, {
        ...auth,
        SECRETS_KEY: secretsKey,
        SANDBOX_MAX_PROCESSES: "64",
      }),
    );
    const transport = createGrpcTransport({ baseUrl: executor.url });
    runs = createClient(ExecutorService, transport);
    secrets = createClient(SecretService, transport);
    crownJewels = [
      password,
      service.token,
      secretsKey,
      "DATABASE_URL",
      "REDIS_URL",
      "SERVICE_API_KEY",
      "SECRETS_KEY",
    ];
  });
  afterAll(async () => {
    if (executor) await crashExecutor(executor);
    await workflows?.stop();
    await registry?.stop();
    await admin?.destroy();
    outside?.close();
    await db?.drop();
    const superuser = new PgClient({ connectionString: "postgres://postgres@127.0.0.1:5432/postgres" });
    await superuser.connect();
    await superuser.query(`DROP ROLE IF EXISTS ${role}`);
    await superuser.end();
  });

  /** Registers `config` as a new MCP with `key` (default: the attacker's write key). */
  async function register(
    config: MessageInitShape<typeof McpConfigSchema>,
    key = keys.writer,
  ): Promise<string> {
    const name = uniqueName("attack");
    await registry.client.createMcp({ name, config }, bearer(key));
    return name;
  }

  const script = (
    source: string,
    extra: { timeoutSeconds?: number; memoryLimitMb?: number } = {},
  ): MessageInitShape<typeof McpConfigSchema> => ({
    kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: source }, ...extra } },
  });

  /** Runs MCP `name` alone with the runner's execute key and waits for the run to end. */
  async function run(name: string, inputs: Record<string, string> = {}): Promise<WorkflowRun> {
    const res = await runs.runMcp(
      { mcp: { mcp: { case: "name", value: name } }, inputs, wait: true, waitTimeoutSeconds: 110 },
      bearer(keys.runner),
    );
    return res.run!;
  }

  /** Registers and runs a script; returns its run. */
  const attack = async (source: string, extra: { timeoutSeconds?: number; memoryLimitMb?: number } = {}) =>
    run(await register(script(source, extra)));

  const stepError = (r: WorkflowRun) => r.steps[0]?.error;

  async function expectServing(): Promise<void> {
    const check = createClient(health.Health, createGrpcTransport({ baseUrl: executor.url }));
    expect((await check.check({})).status).toBe(health.HealthCheckResponse_ServingStatus.SERVING);
    expect((await check.check({ service: "sandbox" })).status).toBe(
      health.HealthCheckResponse_ServingStatus.SERVING,
    );
  }

  it("reads no other process's environment: /proc shows only the sandbox's own processes", async () => {
    const r = await attack(
      reporting(
        `envs = {}
for pid in os.listdir("/proc"):
    if pid.isdigit():
        try: envs[pid] = open("/proc/%s/environ" % pid, "rb").read().replace(b"\\0", b"\\n").decode("utf-8", "replace")
        except OSError as e: envs[pid] = "errno %s" % e.errno
try: envs["parent"] = open("/proc/%d/environ" % os.getppid(), "rb").read().replace(b"\\0", b"\\n").decode("utf-8", "replace")
except OSError as e: envs["parent"] = "errno %s" % e.errno`,
        "envs",
      ),
    );
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    const found = r.outputs!["found"] as Record<string, string>;
    expect(Object.keys(found).filter((k) => k !== "parent").length).toBeLessThanOrEqual(3);
    const text = JSON.stringify(r.outputs);
    for (const jewel of crownJewels) expect(text).not.toContain(jewel);
  });

  it("reads no file outside its own folders: not the checkout, /etc/shadow, root's home or PostgreSQL's socket", async () => {
    const targets = [
      "/etc/shadow",
      `${ROOT}/package.json`,
      `${ROOT}/.ci/run`,
      "/root/.bashrc",
      "/proc/1/root/etc/shadow",
      "/var/run/postgresql",
      "/home",
    ];
    const r = await attack(
      reporting(
        `def readable(path):
    try:
        if os.path.isdir(path): return os.listdir(path) is not None
        open(path, "rb").read(1); return True
    except OSError: return False
targets = ${JSON.stringify(targets)}`,
        `{"readable": [t for t in targets if readable(t)], "passwd": open("/etc/passwd").read()}`,
      ),
    );
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    const found = r.outputs!["found"] as { readable: string[]; passwd: string };
    expect(found.readable).toEqual([]);
    expect(found.passwd).not.toMatch(/^root:/m);
  });

  it("connects to nothing of the platform: PostgreSQL and Redis, the services, by loopback, by the host's addresses or by socket", async () => {
    const ports = [
      5432,
      6379,
      ...[executor.url, registry.url, workflows.server.url].map((u) => Number(new URL(u).port)),
    ];
    const hosts = [
      "127.0.0.1",
      ...Object.values(networkInterfaces())
        .flatMap((list) => list ?? [])
        .filter((a) => a.family === "IPv4" && !a.internal)
        .map((a) => a.address),
    ];
    const targets = hosts.flatMap((h) => ports.map((p) => [h, p]));
    const r = await attack(
      reporting(
        CONNECT_ALL,
        `{"tcp": {"%s:%s" % (h, p): attempt(h, p) for h, p in ${JSON.stringify(targets)}}, "pg_socket": attempt_unix("/var/run/postgresql/.s.PGSQL.5432")}`,
      ),
    );
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    const found = r.outputs!["found"] as { tcp: Record<string, string>; pg_socket: string };
    expect(Object.keys(found.tcp)).toHaveLength(targets.length);
    for (const outcome of Object.values(found.tcp)) expect(outcome).toMatch(/^errno \d+$/);
    expect(found.pg_socket).toMatch(/^errno \d+$/);
  });

  it("a fork bomb fails fast with PROCESS_LIMIT, the executor stays SERVING and a run beside it is not affected", async () => {
    const bomb = await register(
      script(`import os, time\nwhile True:\n    try: os.fork()\n    except OSError: time.sleep(0.001)`, {
        timeoutSeconds: 120,
      }),
    );
    const echo = await register(script(reporting("", '"fine"'), { timeoutSeconds: 60 }));
    const started = Date.now();
    const [bombed, beside] = await Promise.all([run(bomb), run(echo)]);
    expect(bombed.status).toBe(RunStatus.FAILED);
    expect(stepError(bombed)?.code).toBe("PROCESS_LIMIT");
    expect(stepError(bombed)?.message).toMatch(/limit of 64 processes and threads/);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(beside.status).toBe(RunStatus.SUCCEEDED);
    expect(beside.outputs).toEqual({ found: "fine" });
    await expectServing();
  });

  it.each([
    {
      what: "allocates past its memory cap",
      source: "x = bytearray(512 * 1024 * 1024)",
      extra: { memoryLimitMb: 64 },
      code: "MEMORY_LIMIT",
    },
    {
      what: "writes past its file-size cap",
      source: 'open("big", "wb").write(b"x" * (65 * 1024 * 1024))',
      extra: {},
      code: "FILE_SIZE_LIMIT",
    },
    {
      what: "outlives its timeout",
      source: "import time\nwhile True: time.sleep(1)",
      extra: { timeoutSeconds: 2 },
      code: "TIMEOUT",
    },
  ])("a script that $what ends with $code", async ({ source, extra, code }) => {
    const r = await attack(source, extra);
    expect(r.status).toBe(RunStatus.FAILED);
    expect(stepError(r)?.code).toBe(code);
    await expectServing();
  });

  it("network egress needs the admin role; with it outside hosts answer, the host and the platform do not", async () => {
    const probe = reporting(
      CONNECT_ALL,
      `{"outside": attempt(${JSON.stringify(outside.address)}, ${outside.port}), "gateway": attempt(${JSON.stringify(outside.gateway)}, ${Number(new URL(executor.url).port)}), "host_loopback": attempt("10.0.2.2", 5432), "postgres": attempt("127.0.0.1", 5432)}`,
    );
    const egress = { ...script(probe), network: NetworkAccess.EGRESS };
    const name = uniqueName("egress");
    await expectCode(
      registry.client.createMcp({ name, config: egress }, bearer(keys.writer)),
      Code.PermissionDenied,
    );
    await expectCode(
      registry.client.getMcp({ mcp: { case: "name", value: name } }, bearer(keys.writer)),
      Code.NotFound,
    );

    const r = await run(await register(egress, keys.admin));
    expect(r.status).toBe(RunStatus.SUCCEEDED);
    const found = r.outputs!["found"] as Record<string, string>;
    expect(found["outside"]).toBe("connected");
    expect(found["gateway"]).toMatch(/^errno \d+$/);
    expect(found["host_loopback"]).toMatch(/^errno \d+$/);
    expect(found["postgres"]).toMatch(/^errno \d+$/);
  });

  describe("secrets", () => {
    const value = `s3cr3t-${randomBytes(10).toString("hex")}`;
    const name = `ATTACK_TOKEN_${randomBytes(3).toString("hex").toUpperCase()}`;
    beforeAll(async () => {
      await secrets.putSecret({ name, value, description: "for the attack suite" }, bearer(keys.admin));
    });

    it("naming a secret needs the admin role", async () => {
      await expectCode(
        registry.client.createMcp(
          { name: uniqueName("greedy"), config: { ...script("print(1)"), secrets: [name] } },
          bearer(keys.writer),
        ),
        Code.PermissionDenied,
      );
    });

    it("reach only the step that names them, masked in its outputs, stdout and error; never stored in clear", async () => {
      const leaky = await register(
        {
          ...script(
            `import json, os, sys
token = os.environ["${name}"]
print("token is", token)
print("reversed", token[::-1], file=sys.stderr)
json.dump({"success": False, "result": {}, "error": "leaking " + token}, open(sys.argv[2], "w"))`,
          ),
          secrets: [name],
        },
        keys.admin,
      );
      const r = await run(leaky);
      expect(r.status).toBe(RunStatus.FAILED);
      const step = r.steps[0]!;
      expect(step.error?.message).toBe("python script reported failure: leaking ***");
      expect(step.stdout).toBe("token is ***\n");
      expect(JSON.stringify(toJson(WorkflowRunSchema, r))).not.toContain(value);

      const returning = await register(
        {
          ...script(reporting("", `{"token": os.environ["${name}"], os.environ["${name}"]: 1}`)),
          secrets: [name],
        },
        keys.admin,
      );
      const returned = await run(returning);
      expect(returned.status).toBe(RunStatus.SUCCEEDED);
      expect(returned.outputs).toEqual({ found: { token: "***", "***": 1 } });

      const other = await attack(reporting("", `os.environ.get("${name}", "absent")`));
      expect(other.outputs).toEqual({ found: "absent" });

      const pg = new PgClient({ connectionString: databaseUrl });
      await pg.connect();
      try {
        const hits = await pg.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM step_runs WHERE position($1 in coalesce(stdout,'') || coalesce(stderr,'') || coalesce(outputs::text,'') || coalesce(error::text,'')) > 0",
          [value],
        );
        expect(hits.rows[0]?.n).toBe(0);
        const stored = await pg.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM secrets WHERE position($1 in encode(ciphertext, 'escape')) > 0",
          [value],
        );
        expect(stored.rows[0]?.n).toBe(0);
      } finally {
        await pg.end();
      }
    });

    it("a step naming a missing secret fails before it starts, naming the secret and never a value", async () => {
      const missing = `MISSING_${randomBytes(3).toString("hex").toUpperCase()}`;
      const mcp = await register({ ...script('print("ran")'), secrets: [name, missing] }, keys.admin);
      const r = await run(mcp);
      expect(r.status).toBe(RunStatus.FAILED);
      expect(stepError(r)?.code).toBe("SECRET_UNAVAILABLE");
      expect(stepError(r)?.message).toContain(`secret "${missing}" is unavailable: it does not exist`);
      expect(r.steps[0]?.stdout).toBe("");
      expect(JSON.stringify(toJson(WorkflowRunSchema, r))).not.toContain(value);
    });

    it("an LLM step takes its API key from a secret by name", async () => {
      const model = await FakeModel.start(() => openAiText("pong"));
      try {
        const mcp = await register(
          {
            kind: {
              case: "llmPrompt",
              value: {
                template: "ping {{x}}",
                model: "m",
                provider: { baseUrl: `${model.url}/v1`, apiKeySecret: name },
              },
            },
          },
          keys.admin,
        );
        const r = await run(mcp, { x: "1" });
        expect(r.status).toBe(RunStatus.SUCCEEDED);
        expect(model.requests[0]?.headers["authorization"]).toBe(`Bearer ${value}`);
      } finally {
        await model.close();
      }
    });
  });

  it("kill -9 of the executor leaves no process of its steps alive a second later", async () => {
    const marker = `600.${randomBytes(4).readUInt32BE()}`;
    const mcp = await register(
      script(
        `import subprocess, time
subprocess.Popen(["sleep", "${marker}"], start_new_session=True)
while True: time.sleep(1)`,
        { timeoutSeconds: 600 },
      ),
    );
    await runs.runMcp({ mcp: { mcp: { case: "name", value: mcp } }, inputs: {} }, bearer(keys.runner));
    await waitFor("the step's processes", async () => (processesWith(marker).length > 0 ? true : undefined), {
      timeoutMs: 30_000,
    });
    await crashExecutor(executor);
    const killed = Date.now();
    await waitFor(
      "no process of the step",
      async () => (processesWith(marker).length === 0 ? true : undefined),
      {
        timeoutMs: 1_000,
        intervalMs: 20,
      },
    );
    expect(Date.now() - killed).toBeLessThan(1_000);
  });
});
