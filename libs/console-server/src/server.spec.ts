import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogger } from "@mcp/runtime";
import { ConsoleNotBuiltError, startConsoleServer, type RunningConsole } from "./server.js";

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** A raw HTTP/1.1 request: the path goes out exactly as written (fetch would normalise `..`). */
function get(
  port: number,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return new Promise((done, fail) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: options.headers,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          done({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }),
        );
      },
    );
    req.on("error", fail);
    req.end();
  });
}

const INDEX = "<!doctype html><title>console</title><div id=root></div>";

describe("console server", () => {
  const root = mkdtempSync(join(tmpdir(), "console-server-"));
  const dist = join(root, "dist");
  let server: RunningConsole;

  beforeAll(async () => {
    mkdirSync(join(dist, "assets"), { recursive: true });
    writeFileSync(join(dist, "index.html"), INDEX);
    writeFileSync(join(dist, "assets", "index-B1a2c3d4.js"), "console.log('app')");
    writeFileSync(join(dist, "assets", "index-Zz9Yy8Xx.css"), "body{}");
    writeFileSync(join(dist, "favicon.svg"), "<svg xmlns='http://www.w3.org/2000/svg'/>");
    writeFileSync(join(dist, ".env"), "SECRET=dotfile");
    writeFileSync(join(root, "secret.txt"), "SECRET=outside");
    server = await startConsoleServer({
      host: "127.0.0.1",
      port: 0,
      distDir: dist,
      services: {
        registryUrl: { url: "http://127.0.0.1:50051", explicit: false },
        workflowsUrl: { url: "http://127.0.0.1:50052", explicit: false },
        executorUrl: { url: "https://executor.example.com", explicit: true },
      },
      logger: createLogger({ service: "console", level: "silent" }),
    });
  });

  afterAll(async () => {
    await server.stop();
    rmSync(root, { recursive: true, force: true });
  });

  it("serves index.html at / as UTF-8 HTML that browsers revalidate (ETag, 304)", async () => {
    const res = await get(server.port, "/");
    expect(res.status).toBe(200);
    expect(res.body).toBe(INDEX);
    expect(res.headers["content-type"]).toBe("text/html;charset=utf-8");
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    const etag = res.headers["etag"] as string;
    expect(etag).toBeTruthy();
    expect((await get(server.port, "/", { headers: { "if-none-match": etag } })).status).toBe(304);
  });

  it("caches hashed assets for a year, with their content types", async () => {
    const js = await get(server.port, "/assets/index-B1a2c3d4.js");
    expect(js.status).toBe(200);
    expect(js.headers["content-type"]).toBe("text/javascript");
    expect(js.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const css = await get(server.port, "/assets/index-Zz9Yy8Xx.css");
    expect(css.headers["content-type"]).toBe("text/css");
    expect(css.headers["cache-control"]).toBe("public, max-age=31536000, immutable");
    const svg = await get(server.port, "/favicon.svg");
    expect(svg.headers["content-type"]).toBe("image/svg+xml");
    expect(svg.headers["cache-control"]).toBe("no-cache");
  });

  it("answers client-side routes with index.html (never cached for long) and missing files with 404", async () => {
    for (const path of ["/mcps/echo", "/runs/123?tab=steps", "/assets/no-extension"]) {
      const res = await get(server.port, path);
      expect([path, res.status, res.body]).toEqual([path, 200, INDEX]);
      expect(res.headers["cache-control"]).toBe("no-cache");
    }
    for (const path of ["/assets/index-missing.js", "/missing.png"]) {
      const res = await get(server.port, path);
      expect([path, res.status]).toEqual([path, 404]);
      expect(res.body).not.toContain("SECRET");
    }
  });

  it("never serves a dotfile or a file outside the build folder", async () => {
    for (const path of [
      "/.env",
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/assets/..%2f..%2fsecret.txt",
      "/assets/%2e%2e/%2e%2e/secret.txt",
      "/..%5csecret.txt",
      "//etc/passwd",
      "/%2fetc%2fpasswd",
    ]) {
      const res = await get(server.port, path);
      expect({ path, leaked: /SECRET|root:/.test(res.body) }).toEqual({ path, leaked: false });
      expect([200, 404]).toContain(res.status);
      if (res.status === 200) expect(res.body).toBe(INDEX);
    }
  });

  it("serves /config.json, uncached: defaulted loopback URLs follow the browser's host, explicit ones do not", async () => {
    const local = await get(server.port, "/config.json");
    expect(local.status).toBe(200);
    expect(local.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(local.headers["cache-control"]).toBe("no-store");
    expect(JSON.parse(local.body)).toEqual({
      registryUrl: "http://127.0.0.1:50051",
      workflowsUrl: "http://127.0.0.1:50052",
      executorUrl: "https://executor.example.com",
    });
    const remote = await get(server.port, "/config.json?x=1", { headers: { host: "build-box:8080" } });
    expect(JSON.parse(remote.body)).toEqual({
      registryUrl: "http://build-box:50051",
      workflowsUrl: "http://build-box:50052",
      executorUrl: "https://executor.example.com",
    });
    const head = await get(server.port, "/config.json", { method: "HEAD" });
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });

  it("answers only GET and HEAD", async () => {
    const res = await get(server.port, "/config.json", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers["allow"]).toBe("GET, HEAD");
  });

  it("refuses to start without a build, saying where it looked", async () => {
    const empty = join(root, "no-build");
    await expect(
      startConsoleServer({
        host: "127.0.0.1",
        port: 0,
        distDir: empty,
        services: {
          registryUrl: { url: "http://127.0.0.1:1", explicit: true },
          workflowsUrl: { url: "http://127.0.0.1:2", explicit: true },
          executorUrl: { url: "http://127.0.0.1:3", explicit: true },
        },
        logger: createLogger({ service: "console", level: "silent" }),
      }),
    ).rejects.toThrow(ConsoleNotBuiltError);
  });
});
