import { describe, expect, it } from "vitest";
import { defaultConfig, loadConfig } from "./load-config";

const page = { protocol: "https:", hostname: "console.example" };

function fetchReturning(status: number, body: string, type = "application/json"): typeof fetch {
  return async () => new Response(body, { status, headers: { "content-type": type } });
}

describe("loadConfig", () => {
  it("uses the addresses of /config.json", async () => {
    const body = JSON.stringify({
      registryUrl: "http://r:1/",
      workflowsUrl: "http://w:2",
      executorUrl: "http://e:3",
    });
    expect(await loadConfig(fetchReturning(200, body), page)).toEqual({
      registryUrl: "http://r:1",
      workflowsUrl: "http://w:2",
      executorUrl: "http://e:3",
    });
  });

  it("falls back to the page host and default ports when the file is missing", async () => {
    expect(await loadConfig(fetchReturning(404, "not found", "text/plain"), page)).toEqual({
      registryUrl: "https://console.example:50051",
      workflowsUrl: "https://console.example:50052",
      executorUrl: "https://console.example:50053",
    });
  });

  it("ignores an HTML page served in place of the file (a dev server's index fallback)", async () => {
    const config = await loadConfig(fetchReturning(200, "<!doctype html>", "text/html"), page);
    expect(config.executorUrl).toBe("https://console.example:50053");
  });

  it("falls back per service when the file names only some", async () => {
    const config = await loadConfig(fetchReturning(200, JSON.stringify({ executorUrl: "http://x:9" })), page);
    expect(config).toEqual({ ...defaultConfig(page), executorUrl: "http://x:9" });
  });

  it("falls back when fetching fails", async () => {
    const failing: typeof fetch = () => Promise.reject(new TypeError("Failed to fetch"));
    expect(await loadConfig(failing, page)).toEqual(defaultConfig(page));
  });
});

describe("defaultConfig", () => {
  it("brackets an IPv6 host", () => {
    expect(defaultConfig({ protocol: "http:", hostname: "::1" }).registryUrl).toBe("http://[::1]:50051");
  });
});
