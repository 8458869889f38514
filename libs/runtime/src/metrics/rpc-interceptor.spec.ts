import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { health } from "@mcp/proto/grpc";
import { Registry, type Histogram } from "prom-client";
import { codeLabel, metricsInterceptor } from "./rpc-interceptor.js";

const SERVICE = "grpc.health.v1.Health";

/** A Health client whose server fails Check for service "missing" and streams two replies from Watch. */
function setup(watch: (service: string) => AsyncIterable<health.HealthCheckResponse>) {
  const registry = new Registry();
  const transport = createRouterTransport(
    (router) =>
      router.service(health.Health, {
        check(req) {
          if (req.service === "missing") throw new ConnectError("no such service", Code.NotFound);
          return create(health.HealthCheckResponseSchema, {
            status: health.HealthCheckResponse_ServingStatus.SERVING,
          });
        },
        watch: (req) => watch(req.service),
      }),
    { router: { interceptors: [metricsInterceptor(registry)] } },
  );
  return { registry, client: createClient(health.Health, transport) };
}

async function* twoReplies(service: string): AsyncIterable<health.HealthCheckResponse> {
  yield create(health.HealthCheckResponseSchema);
  if (service === "broken") throw new ConnectError("gone", Code.Unavailable);
  yield create(health.HealthCheckResponseSchema);
}

async function count(registry: Registry, method: string, code: string): Promise<number> {
  const metric = await registry.getSingleMetric("mcp_rpc_requests_total")?.get();
  const value = metric?.values.find(
    (v) => v.labels["service"] === SERVICE && v.labels["method"] === method && v.labels["code"] === code,
  );
  return value?.value ?? 0;
}

async function durationCount(registry: Registry, method: string, code: string): Promise<number> {
  const histogram = registry.getSingleMetric("mcp_rpc_duration_seconds") as Histogram | undefined;
  const metric = await histogram?.get();
  const value = metric?.values.find(
    (v) =>
      v.metricName === "mcp_rpc_duration_seconds_count" &&
      v.labels["method"] === method &&
      v.labels["code"] === code,
  );
  return value?.value ?? 0;
}

describe("metricsInterceptor", () => {
  it("counts and times unary calls by method and code", async () => {
    const { registry, client } = setup(twoReplies);
    await client.check({});
    await client.check({});
    await expect(client.check({ service: "missing" })).rejects.toThrow("no such service");
    expect(await count(registry, "Check", "ok")).toBe(2);
    expect(await count(registry, "Check", "not_found")).toBe(1);
    expect(await durationCount(registry, "Check", "ok")).toBe(2);
    expect(await durationCount(registry, "Check", "not_found")).toBe(1);
  });

  it("counts a server stream once, when it ends, with the code it ended with", async () => {
    const { registry, client } = setup(twoReplies);
    const replies = [];
    for await (const reply of client.watch({})) {
      replies.push(reply);
      expect(await count(registry, "Watch", "ok")).toBe(0); // still open
    }
    expect(replies).toHaveLength(2);
    expect(await count(registry, "Watch", "ok")).toBe(1);

    await expect(async () => {
      for await (const _ of client.watch({ service: "broken" })) {
        /* drain */
      }
    }).rejects.toThrow("gone");
    expect(await count(registry, "Watch", "unavailable")).toBe(1);
  });

  it("can share a registry with another interceptor instance without registering twice", () => {
    const registry = new Registry();
    metricsInterceptor(registry);
    expect(() => metricsInterceptor(registry)).not.toThrow();
  });
});

describe("codeLabel", () => {
  it.each([
    [0, "ok"],
    [Code.NotFound, "not_found"],
    [Code.InvalidArgument, "invalid_argument"],
    [Code.Unauthenticated, "unauthenticated"],
    [Code.DeadlineExceeded, "deadline_exceeded"],
  ] as const)("labels %s as %s", (code, label) => {
    expect(codeLabel(code)).toBe(label);
  });
});
