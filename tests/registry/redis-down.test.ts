import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { health } from "@mcp/proto/grpc";
import { McpType, type McpConfig } from "@mcp/proto/registry";
import { expectCode } from "../support/errors";
import { newPythonMcp, pythonConfig, uniqueName } from "../support/mcps";
import { freePort } from "../support/free-port";
import { RedisServerProcess } from "../support/redis-server";
import { startTestRegistry, type TestRegistry } from "../support/registry";
import { waitFor } from "../support/wait-for";

/**
 * Redis is only a cache: with it unreachable, or killed and restarted under a running registry,
 * every call is still answered correctly from PostgreSQL, and the cache comes back with Redis.
 */

/** The script text of a python_script config (what `pythonConfig(text)` put in). */
function scriptOf(config: McpConfig | undefined): string | undefined {
  return config?.kind.case === "pythonScript" && config.kind.value.source.case === "scriptContent"
    ? config.kind.value.source.value
    : undefined;
}

/** Creates an MCP at v1 (`print("one")`), updates it to v2 (`print("two")`), checks both answers. */
async function createAndUpdate(reg: TestRegistry, name = uniqueName("redis-down")) {
  const created = await reg.client.createMcp(newPythonMcp(name, "one"));
  expect(created.mcp).toMatchObject({
    name,
    type: McpType.PYTHON_SCRIPT,
    latestVersion: 1,
    labels: { latest: 1 },
  });
  const id = created.mcp!.id;

  const updated = await reg.client.updateMcp({
    mcp: { case: "id", value: id },
    etag: created.mcp!.etag,
    config: pythonConfig("two"),
    changeNote: "second",
  });
  expect(updated.versionCreated).toBe(true);
  expect(updated.mcp).toMatchObject({ id, latestVersion: 2, labels: { latest: 2 } });
  expect(updated.mcp!.etag).not.toBe(created.mcp!.etag);
  expect(updated.version?.version).toBe(2);
  return { id, name, etag: updated.mcp!.etag };
}

/** Reads the MCP back every way a client can and checks each answer reflects v2 as latest. */
async function expectReadsSeeVersion2(reg: TestRegistry, mcp: { id: string; name: string; etag: string }) {
  const latest = await reg.client.getMcp({ mcp: { case: "name", value: mcp.name } });
  expect(latest.mcp).toMatchObject({ id: mcp.id, latestVersion: 2, etag: mcp.etag });
  expect(latest.version?.version).toBe(2);
  expect(scriptOf(latest.version?.config)).toBe('print("two")');

  const byId = await reg.client.getMcp({ mcp: { case: "id", value: mcp.id } });
  expect(byId.version?.version).toBe(2);

  const v1 = await reg.client.getMcp({
    mcp: { case: "id", value: mcp.id },
    selector: { case: "version", value: 1 },
  });
  expect(v1.version?.version).toBe(1);
  expect(scriptOf(v1.version?.config)).toBe('print("one")');
  expect(v1.version?.changeNote).toBe("");

  const listed = await reg.client.listMcps({ filter: { text: mcp.name } });
  expect(listed.mcps.map((m) => [m.id, m.latestVersion])).toEqual([[mcp.id, 2]]);
}

describe("registry with Redis unreachable from the start", () => {
  let reg: TestRegistry;

  beforeAll(async () => {
    const deadPort = await freePort();
    reg = await startTestRegistry({ redisUrl: `redis://127.0.0.1:${deadPort}` });
  });

  afterAll(async () => {
    await reg?.stop();
  });

  it("reports SERVING to health checks: Redis is not a dependency of readiness", async () => {
    const healthClient = createClient(health.Health, createGrpcTransport({ baseUrl: reg.url }));
    const res = await healthClient.check({ service: "mcp.registry.v1.RegistryService" });
    expect(res.status).toBe(health.HealthCheckResponse_ServingStatus.SERVING);
  });

  it("creates an MCP and updates it to version 2", async () => {
    await createAndUpdate(reg);
  });

  it("reads the latest version, version 1 and the list correctly from PostgreSQL", async () => {
    const mcp = await createAndUpdate(reg);
    await expectReadsSeeVersion2(reg, mcp);
  });

  it("sees each write on the very next read (no stale answers without the cache)", async () => {
    const mcp = await createAndUpdate(reg);
    await reg.client.updateMcp({ mcp: { case: "id", value: mcp.id }, description: "changed" });
    const got = await reg.client.getMcp({ mcp: { case: "name", value: mcp.name } });
    expect(got.mcp?.description).toBe("changed");
    await reg.client.deleteMcp({ mcp: { case: "id", value: mcp.id } });
    await expectCode(reg.client.getMcp({ mcp: { case: "name", value: mcp.name } }), Code.NotFound);
  });

  it("answers without waiting on Redis timeouts", async () => {
    const mcp = await createAndUpdate(reg);
    const took: number[] = [];
    for (let i = 0; i < 5; i++) {
      const started = Date.now();
      await reg.client.getMcp({ mcp: { case: "id", value: mcp.id } });
      took.push(Date.now() - started);
    }
    // Each read makes four cache calls, each bounded at 500 ms; a refused connection should fail at
    // once. A read that waited for one full timeout would take 500 ms or more, every time: the
    // fastest of five stays under that even on a loaded machine, where any one read may be slow.
    expect(Math.min(...took)).toBeLessThan(500);
  });
});

describe("registry whose Redis is killed and restarted", () => {
  let redis: RedisServerProcess;
  let reg: TestRegistry;
  let mcp: { id: string; name: string; etag: string };

  beforeAll(async () => {
    redis = await RedisServerProcess.start();
    reg = await startTestRegistry({ redisUrl: redis.url });
  });

  afterAll(async () => {
    await reg?.stop();
    await redis?.stop();
  });

  /** Reads the MCP by id until its cache entries show up in Redis. */
  const waitForCacheEntry = (id: string) =>
    waitFor(
      `a cache entry for ${id} in redis on port ${redis.port}`,
      async () => {
        await reg.client.getMcp({ mcp: { case: "id", value: id } });
        const keys = await redis.keys(`*${id}*`);
        return keys.length > 0 ? keys : undefined;
      },
      { timeoutMs: 20_000, intervalMs: 200 },
    );

  it("caches reads in Redis while it is up", async () => {
    const created = await reg.client.createMcp(newPythonMcp(uniqueName("redis-up")));
    const keys = await waitForCacheEntry(created.mcp!.id);
    expect(keys.every((k) => k.startsWith("cache:") && k.includes(":mcp:"))).toBe(true);
  });

  it("keeps serving writes and reads from PostgreSQL after Redis is killed", async () => {
    await redis.kill();
    await expect(redis.command("PING")).rejects.toThrow();
    mcp = await createAndUpdate(reg);
    await expectReadsSeeVersion2(reg, mcp);
  });

  it("caches again once Redis is back on the same port, with current answers", async () => {
    expect(mcp).toBeDefined();
    await redis.restart();
    expect(await redis.keys("*")).toEqual([]);
    const keys = await waitForCacheEntry(mcp.id);
    expect(keys.length).toBeGreaterThan(0);
    // Served through the recovered cache, the answers are still those of PostgreSQL.
    await expectReadsSeeVersion2(reg, mcp);
  });
});
