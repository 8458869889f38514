import type { Client } from "@connectrpc/connect";
import { createTestDatabase } from "@mcp/db/testing";
import { RegistryService } from "@mcp/proto/registry";
import { grpcClient, startBenchRegistry } from "../platform";
import { settings } from "../lib/settings";
import { closedLoop, interleave, ratio, summarize, timed, type Summary } from "../lib/stats";
import { ms, perS, type Row, type SuiteResult } from "../report";
import { startBareServer } from "./bare";

/** Nothing listens here: the registry's Redis-down (fail-open, no cache) path. */
const DEAD_REDIS = "redis://127.0.0.1:1";

type Registry = Client<typeof RegistryService>;

/**
 * GetMcp and ListMcps through the real registry: warm cache (the same MCP again and again), cold
 * cache (each call the first read of a distinct MCP), Redis down, beside the bare handler.
 */
export async function registrySuite(): Promise<SuiteResult> {
  const { rounds, callsPerRound, loadCalls, concurrency } = settings.registry;
  const db = await createTestDatabase("mcp_bench_registry");
  const withRedis = await startBenchRegistry(db.url);
  const redisDown = await startBenchRegistry(db.url, DEAD_REDIS);
  const bare = await startBareServer();
  try {
    const registry: Registry = grpcClient(RegistryService, withRedis.server.url);
    const downClient: Registry = grpcClient(RegistryService, redisDown.server.url);
    const coldCount = rounds * callsPerRound + loadCalls;
    const names = Array.from({ length: coldCount }, (_, i) => `cold-${i}`);
    await closedLoop(names.length, 8, (i) =>
      registry.createMcp({
        name: names[i] ?? "",
        config: {
          kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print(1)" } } },
        },
      }),
    );
    let nextCold = 0;
    const get = (client: Registry, name: string) => client.getMcp({ mcp: { case: "name", value: name } });
    const list = (client: Registry) => client.listMcps({ pageSize: 20 });
    const gets = {
      bare: () => get(bare.client, "x"),
      warm: () => get(registry, "cold-0"),
      cold: () => get(registry, names[nextCold++] ?? "cold-0"),
      redisDown: () => get(downClient, "cold-0"),
    };
    const lists = { listRedis: () => list(registry), listRedisDown: () => list(downClient) };
    const calls = { ...gets, ...lists };
    for (const [k, call] of Object.entries(calls))
      if (k !== "cold") for (let i = 0; i < 50; i++) await call();

    const block = (call: () => Promise<unknown>) => async () => {
      const out: number[] = [];
      for (let i = 0; i < callsPerRound; i++) out.push(await timed(call));
      return out;
    };
    const samples = await interleave(rounds, {
      bare: block(calls.bare),
      warm: block(calls.warm),
      cold: block(calls.cold),
      redisDown: block(calls.redisDown),
      listRedis: block(calls.listRedis),
      listRedisDown: block(calls.listRedisDown),
    });
    const throughput: Record<string, number> = {};
    for (const [k, call] of Object.entries(calls)) {
      throughput[k] = (await closedLoop(loadCalls, concurrency, call)).perSecond;
    }
    const s = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, summarize(v)])) as Record<
      keyof typeof calls,
      Summary
    >;
    const bareP50 = s.bare.p50;
    const labels: Record<keyof typeof calls, string> = {
      bare: "bare handler GetMcp (ceiling)",
      warm: "GetMcp, warm Redis cache",
      cold: "GetMcp, cold cache (first read)",
      redisDown: "GetMcp, Redis down (no cache)",
      listRedis: "ListMcps page 20 (never cached)",
      listRedisDown: "ListMcps page 20, Redis down",
    };
    const rows: Row[] = (Object.keys(labels) as (keyof typeof calls)[]).map((k) => ({
      figure: `${labels[k]} p50/p99, calls/s c=${concurrency}`,
      ours: `${ms(s[k].p50)} / ${ms(s[k].p99)}, ${perS(throughput[k] ?? Number.NaN)}`,
      ...(k === "bare"
        ? {}
        : {
            peer: `${ms(bareP50)}, ${perS(throughput["bare"] ?? Number.NaN)}`,
            ratio: ratio(s[k].p50, bareP50),
          }),
    }));
    return {
      rows,
      json: {
        samples_per_figure: rounds * callsPerRound,
        load: { calls: loadCalls, concurrency },
        latency_ms: s,
        calls_per_s: throughput,
        p50_ratio_vs_bare: Object.fromEntries(Object.entries(s).map(([k, v]) => [k, ratio(v.p50, bareP50)])),
      },
    };
  } finally {
    await bare.stop();
    await redisDown.stop();
    await withRedis.stop();
    await db.drop();
  }
}
