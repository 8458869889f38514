import { Code, type ConnectError } from "@connectrpc/connect";
import { RunStatus } from "@mcp/proto/executor";
import { newPythonMcp, uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { sample, scrape, scrapeHttp2, sumOf } from "../support/prometheus";
import { CONCAT_SCRIPT, ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { echoConcatSpec } from "../support/specs";

const REGISTRY = "mcp.registry.v1.RegistryService";
const requests = (method: string, code: string) => ({ service: REGISTRY, method, code });

describe("GET /metrics on every service", () => {
  let p: TestPlatform;
  beforeAll(async () => {
    p = await startPlatform();
  });
  afterAll(async () => {
    await p.stop();
  });

  const urls = () => ({
    registry: p.registry.url,
    workflows: p.workflows.server.url,
    executor: p.executors[0]!.server.url,
  });

  it("serves Prometheus text with the default Node metrics on each service port, over HTTP/1.1 and HTTP/2", async () => {
    for (const url of Object.values(urls())) {
      const res = await fetch(`${url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toContain("process_resident_memory_bytes");

      const h2 = await scrapeHttp2(url);
      expect(h2.contentType).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(sample(h2.samples, "process_start_time_seconds")).toBeGreaterThan(0);
    }
  });

  it("counts RPCs by method and code: exactly the calls made, NOT_FOUND as not_found", async () => {
    const before = await scrape(p.registry.url);
    await p.clients.registry.getMcpStats({});
    await p.clients.registry.getMcpStats({});
    await p.clients.registry.getMcpStats({});
    const missing = uniqueName("missing");
    await expect(p.clients.registry.getMcp({ mcp: { case: "name", value: missing } })).rejects.toMatchObject({
      code: Code.NotFound,
    } satisfies Partial<ConnectError>);
    const after = await scrape(p.registry.url);

    const moved = (name: string, labels: Record<string, string>) =>
      sample(after, name, labels) - sample(before, name, labels);
    expect(moved("mcp_rpc_requests_total", requests("GetMcpStats", "ok"))).toBe(3);
    expect(moved("mcp_rpc_duration_seconds_count", requests("GetMcpStats", "ok"))).toBe(3);
    expect(moved("mcp_rpc_requests_total", requests("GetMcp", "not_found"))).toBe(1);
    expect(moved("mcp_rpc_requests_total", requests("GetMcp", "ok"))).toBe(0);
  });

  it("counts registry cache misses and then hits on repeated GetMcp", async () => {
    const name = uniqueName("cached");
    await p.clients.registry.createMcp(newPythonMcp(name));
    const before = await scrape(p.registry.url);
    for (let i = 0; i < 3; i++) await p.clients.registry.getMcp({ mcp: { case: "name", value: name } });
    const after = await scrape(p.registry.url);

    const moved = (result: string) =>
      sample(after, "mcp_cache_requests_total", { cache: "registry", result }) -
      sample(before, "mcp_cache_requests_total", { cache: "registry", result });
    expect(moved("miss")).toBeGreaterThan(0); // the first read after the write
    expect(moved("hit")).toBeGreaterThan(0); // the repeats
    expect(moved("error")).toBe(0);
  });

  it("counts a finished run by status, its python_script steps, and the run lock", async () => {
    const echo = uniqueName("echo");
    const concat = uniqueName("concat");
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.registry.createMcp({ name: concat, config: scriptConfig(CONCAT_SCRIPT) });
    const workflow = uniqueName("pipeline");
    await p.clients.workflows.createWorkflow({ name: workflow, spec: echoConcatSpec(echo, concat) });
    const before = await scrape(urls().executor);

    const { run } = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { text: "metrics" },
      wait: true,
      waitTimeoutSeconds: 120,
    });
    expect(run?.status).toBe(RunStatus.SUCCEEDED);
    const after = await scrape(urls().executor);

    const moved = (name: string, labels: Record<string, string> = {}) =>
      sumOf(after, name, labels) - sumOf(before, name, labels);
    expect(moved("mcp_runs_total", { status: "succeeded" })).toBe(1);
    expect(moved("mcp_step_duration_seconds_count", { mcp_type: "python_script", status: "succeeded" })).toBe(
      2,
    );
    expect(moved("mcp_lock_acquire_total", { result: "acquired" })).toBeGreaterThanOrEqual(1);
    expect(sample(after, "mcp_runs_active")).toBe(0);
    expect(moved("mcp_rpc_requests_total", { method: "ExecuteWorkflow", code: "ok" })).toBe(1);
  });
});
