import { Code, ConnectError, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import type { TestDatabase } from "@mcp/db/testing";
import { createMigratedTestDatabase } from "../support/database";
import { health } from "@mcp/proto/grpc";
import { Client as PgClient } from "pg";
import { expectCode } from "../support/errors";
import { newPythonMcp, pythonConfig, uniqueName } from "../support/mcps";
import { startTestRegistry, type TestRegistry } from "../support/registry";
import { TcpProxy } from "../support/tcp-proxy";
import { waitFor } from "../support/wait-for";

/**
 * DESIGN §4: with PostgreSQL unreachable the registry answers UNAVAILABLE promptly (no INTERNAL, no
 * hang), writes nothing half-way, and serves again once PostgreSQL is back, without a restart. The
 * outage is a TCP proxy between the registry and PostgreSQL that is stopped (listener closed, every
 * open connection cut) and started again on the same port.
 *
 * The registry runs with `redisUrl: null`: its cache is then in-process and private to this
 * registry, so no other suite can have cached anything, and the MCP below is never read before the
 * outage (CreateMcp only invalidates), so every read during the outage must go to PostgreSQL.
 */

/** Longest a call may take while PostgreSQL is down (the pool's connect timeout is 5 s). */
const OUTAGE_CALL_BOUND_MS = 10_000;

/** Awaits `call`, failing if it takes longer than `ms` (a hang, not an answer). */
async function within<T>(what: string, ms: number, call: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Asserts `call` fails with UNAVAILABLE, says the database is the cause, and answers in bounded time. */
async function expectDatabaseUnavailable(what: string, call: Promise<unknown>): Promise<ConnectError> {
  const err = await within(what, OUTAGE_CALL_BOUND_MS, expectCode(call, Code.Unavailable));
  expect(err.rawMessage).toMatch(/database/i);
  return err;
}

/** Rows of the registry's tables, read straight from PostgreSQL (not through the proxy). */
async function tableRows(url: string) {
  const pg = new PgClient({ connectionString: url });
  await pg.connect();
  try {
    const byName = (a: { name: string }, b: { name: string }) => a.name.localeCompare(b.name);
    const defs = await pg.query<{ name: string; latest_version: number; row_version: number }>(
      "SELECT name, latest_version, row_version FROM mcp_definitions",
    );
    // LEFT JOIN: a version row whose definition is missing would show up with a null name.
    const versions = await pg.query<{ name: string; version: number }>(
      "SELECT d.name, v.version FROM mcp_versions v LEFT JOIN mcp_definitions d ON d.id = v.mcp_id",
    );
    const counters = await pg.query<{ name: string; last_version: number }>(
      "SELECT name_key AS name, last_version FROM mcp_name_versions",
    );
    return {
      definitions: defs.rows.sort(byName),
      versions: versions.rows.sort(byName),
      counters: counters.rows.sort(byName),
    };
  } finally {
    await pg.end();
  }
}

describe("registry whose PostgreSQL goes down and comes back", () => {
  let db: TestDatabase;
  let proxy: TcpProxy;
  let reg: TestRegistry;
  /** Written before the outage. */
  let before: { id: string; name: string; etag: string } | undefined;
  /** The create attempted during the outage (must leave nothing). */
  const failedName = uniqueName("pg-down-failed");
  /** The create that proves recovery. */
  const recoveredName = uniqueName("pg-down-after");

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    const direct = new URL(db.url);
    proxy = new TcpProxy(direct.hostname, Number(direct.port || 5432));
    await proxy.start(0);
    const proxied = new URL(db.url);
    proxied.hostname = "127.0.0.1";
    proxied.port = String(proxy.port);
    // Passing `db` makes the harness leave the database alone on stop(); afterAll drops it.
    reg = await startTestRegistry({ db: { ...db, url: proxied.toString() }, redisUrl: null });
  });

  afterAll(async () => {
    // Bring PostgreSQL back first so the registry's pool closes cleanly.
    await proxy?.start().catch(() => undefined);
    await reg?.stop();
    await proxy?.stop();
    await db?.drop();
  });

  it("creates an MCP while PostgreSQL is reachable", async () => {
    const name = uniqueName("pg-down-before");
    const created = await reg.client.createMcp(newPythonMcp(name, "one"));
    expect(created.mcp).toMatchObject({ name, latestVersion: 1 });
    before = { id: created.mcp!.id, name, etag: created.mcp!.etag };
  });

  describe("while PostgreSQL is unreachable", () => {
    beforeAll(async () => {
      await proxy.stop();
    });

    it("answers CreateMcp with UNAVAILABLE naming the database", async () => {
      await expectDatabaseUnavailable("CreateMcp", reg.client.createMcp(newPythonMcp(failedName, "lost")));
    });

    it("answers UpdateMcp with UNAVAILABLE naming the database", async () => {
      expect(before).toBeDefined();
      await expectDatabaseUnavailable(
        "UpdateMcp",
        reg.client.updateMcp({
          mcp: { case: "id", value: before!.id },
          etag: before!.etag,
          description: "changed during the outage",
          config: pythonConfig("lost"),
          changeNote: "never committed",
        }),
      );
    });

    it("answers GetMcp and ListMcps of uncached data with UNAVAILABLE naming the database", async () => {
      expect(before).toBeDefined();
      await expectDatabaseUnavailable(
        "GetMcp by id",
        reg.client.getMcp({ mcp: { case: "id", value: before!.id } }),
      );
      await expectDatabaseUnavailable(
        "GetMcp by name",
        reg.client.getMcp({ mcp: { case: "name", value: before!.name } }),
      );
      await expectDatabaseUnavailable("ListMcps", reg.client.listMcps({}));
    });

    it("still answers health checks, NOT_SERVING (server and service) while the database is away", async () => {
      const healthClient = createClient(health.Health, createGrpcTransport({ baseUrl: reg.url }));
      for (const service of ["", "mcp.registry.v1.RegistryService"]) {
        await waitFor(
          `health of "${service}" NOT_SERVING`,
          async () => {
            const res = await within("Health/Check", OUTAGE_CALL_BOUND_MS, healthClient.check({ service }));
            return res.status === health.HealthCheckResponse_ServingStatus.NOT_SERVING ? true : undefined;
          },
          { timeoutMs: 10_000 },
        );
      }
    });
  });

  describe("once PostgreSQL is back on the same port", () => {
    beforeAll(async () => {
      const port = proxy.port;
      await proxy.start();
      expect(proxy.port).toBe(port);
    });

    it("reports SERVING again soon after", async () => {
      const healthClient = createClient(health.Health, createGrpcTransport({ baseUrl: reg.url }));
      await waitFor(
        "health SERVING",
        async () =>
          (await healthClient.check({ service: "mcp.registry.v1.RegistryService" })).status ===
          health.HealthCheckResponse_ServingStatus.SERVING
            ? true
            : undefined,
        { timeoutMs: 10_000 },
      );
    });

    it("serves writes again without a restart", async () => {
      // Poll CreateMcp: UNAVAILABLE while the pool reconnects; any other failure ends the wait.
      const outcome = await waitFor(
        "CreateMcp to succeed after PostgreSQL came back",
        async () => {
          const attempt = reg.client.createMcp(newPythonMcp(recoveredName, "after"));
          try {
            return { created: await within("CreateMcp", OUTAGE_CALL_BOUND_MS, attempt) };
          } catch (err) {
            const rpc = ConnectError.from(err);
            return rpc.code === Code.Unavailable ? undefined : { failed: rpc };
          }
        },
        { timeoutMs: 20_000, intervalMs: 200 },
      );
      expect(outcome.failed?.message).toBeUndefined();
      expect(outcome.created?.mcp).toMatchObject({ name: recoveredName, latestVersion: 1 });
    });

    it("kept the MCP written before the outage unchanged", async () => {
      expect(before).toBeDefined();
      const got = await reg.client.getMcp({ mcp: { case: "id", value: before!.id } });
      expect(got.mcp).toMatchObject({
        id: before!.id,
        name: before!.name,
        description: "prints one",
        latestVersion: 1,
        labels: { latest: 1 },
        etag: before!.etag,
      });
      expect(got.version?.version).toBe(1);
      const versions = await reg.client.listMcpVersions({ mcp: { case: "id", value: before!.id } });
      expect(versions.versions.map((v) => v.version)).toEqual([1]);
    });

    it("left nothing of the writes that failed during the outage", async () => {
      expect(before).toBeDefined();
      await expectCode(reg.client.getMcp({ mcp: { case: "name", value: failedName } }), Code.NotFound);
      const listed = await reg.client.listMcps({});
      expect(listed.mcps.map((m) => m.name).sort()).toEqual([before!.name, recoveredName].sort());

      // Straight from PostgreSQL: no orphan version rows and no version number handed out.
      const rows = await tableRows(db.url);
      expect(rows.definitions).toEqual(
        [
          { name: before!.name, latest_version: 1, row_version: 1 },
          { name: recoveredName, latest_version: 1, row_version: 1 },
        ].sort((a, b) => a.name.localeCompare(b.name)),
      );
      expect(rows.versions).toEqual(
        [
          { name: before!.name, version: 1 },
          { name: recoveredName, version: 1 },
        ].sort((a, b) => a.name.localeCompare(b.name)),
      );
      expect(rows.counters).toEqual(
        [
          { name: before!.name.toLowerCase(), last_version: 1 },
          { name: recoveredName.toLowerCase(), last_version: 1 },
        ].sort((a, b) => a.name.localeCompare(b.name)),
      );
    });
  });
});
