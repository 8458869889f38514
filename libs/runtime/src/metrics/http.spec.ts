import * as http2 from "node:http2";
import { pino } from "pino";
import { startServer, type RunningServer } from "../server.js";
import { createMetricsRegistry } from "./registry.js";

describe("GET /metrics on the service port", () => {
  let server: RunningServer;
  const { registry, stop: stopMetrics } = createMetricsRegistry();

  beforeAll(async () => {
    server = await startServer({
      name: "test",
      host: "127.0.0.1",
      port: 0,
      logger: pino({ level: "silent" }),
      services: [],
      routes: () => undefined,
      metrics: registry,
    });
  });
  afterAll(async () => {
    await server.close(100);
    stopMetrics();
  });

  it("serves the registry in the Prometheus text format over HTTP/1.1, default metrics included", async () => {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe(registry.contentType);
    expect(await res.text()).toContain("process_cpu_user_seconds_total");
  });

  it("serves it over HTTP/2 too", async () => {
    const session = http2.connect(server.url);
    try {
      const body = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = session.request({ ":path": "/metrics", ":method": "GET" });
        let status = 0;
        let text = "";
        req.on("response", (headers) => (status = Number(headers[":status"])));
        req.setEncoding("utf8");
        req.on("data", (chunk: string) => (text += chunk));
        req.on("end", () => resolve({ status, text }));
        req.on("error", reject);
      });
      expect(body.status).toBe(200);
      expect(body.text).toContain("nodejs_eventloop_lag_seconds");
    } finally {
      session.close();
    }
  });

  it("leaves other paths to the Connect handler", async () => {
    const res = await fetch(`${server.url}/metrics/extra`);
    expect(res.status).toBe(404);
  });
});
