import { ConfigError } from "@mcp/runtime";
import { loadConsoleConfig } from "./config.js";

const DEFAULTS = {
  consoleDir: "/srv/console",
  registryUrl: "http://127.0.0.1:50051",
  workflowsUrl: "http://127.0.0.1:50052",
  executorUrl: "http://127.0.0.1:50053/",
};

describe("loadConsoleConfig", () => {
  it("listens on 8080 on every interface and points at the services' own URLs by default", () => {
    const c = loadConsoleConfig({}, DEFAULTS);
    expect(c.port).toBe(8080);
    expect(c.host).toBe("0.0.0.0");
    expect(c.consoleDir).toBe("/srv/console");
    expect(c.services).toEqual({
      registryUrl: { url: "http://127.0.0.1:50051", explicit: false },
      workflowsUrl: { url: "http://127.0.0.1:50052", explicit: false },
      executorUrl: { url: "http://127.0.0.1:50053", explicit: false },
    });
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.services.registryUrl)).toBe(true);
  });

  it("takes the port (0 = any free port), HOST, CONSOLE_DIR and explicit browser-visible URLs", () => {
    const c = loadConsoleConfig(
      {
        CONSOLE_PORT: "0",
        HOST: "127.0.0.1",
        CONSOLE_DIR: "/tmp/other-console",
        CONSOLE_REGISTRY_URL: "https://mcp.example.com/registry/",
        CONSOLE_WORKFLOWS_URL: "http://localhost:50052",
        CONSOLE_EXECUTOR_URL: " http://localhost:50053 ",
      },
      DEFAULTS,
    );
    expect(c.port).toBe(0);
    expect(c.host).toBe("127.0.0.1");
    expect(c.consoleDir).toBe("/tmp/other-console");
    expect(c.services.registryUrl).toEqual({ url: "https://mcp.example.com/registry", explicit: true });
    expect(c.services.workflowsUrl).toEqual({ url: "http://localhost:50052", explicit: true });
    expect(c.services.executorUrl).toEqual({ url: "http://localhost:50053", explicit: true });
  });

  it.each(["off", "OFF", "false", "none"])("turns the console off with CONSOLE_PORT=%s", (value) => {
    expect(loadConsoleConfig({ CONSOLE_PORT: value }, DEFAULTS).port).toBeUndefined();
  });

  it("refuses bad values and names every bad variable", () => {
    let error: unknown;
    try {
      loadConsoleConfig(
        { CONSOLE_PORT: "80800", CONSOLE_REGISTRY_URL: "registry:50051", CONSOLE_EXECUTOR_URL: "ftp://x" },
        DEFAULTS,
      );
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(3);
    expect(problems[0]).toContain('CONSOLE_PORT must be a port number between 0 and 65535, or "off"');
    expect(problems[1]).toContain("CONSOLE_REGISTRY_URL must be a URL starting with http:// or https://");
    expect(problems[2]).toContain("CONSOLE_EXECUTOR_URL");
  });

  it("sign-in: none without OIDC_ISSUER_URL; with it, the issuer (kept exactly), client id and default scopes", () => {
    expect(loadConsoleConfig({}, DEFAULTS).signIn).toBeUndefined();
    expect(
      loadConsoleConfig({ OIDC_ISSUER_URL: "https://id.example.com/", OIDC_CLIENT_ID: "mcp" }, DEFAULTS)
        .signIn,
    ).toEqual({
      issuer: "https://id.example.com/",
      clientId: "mcp",
      scopes: "openid email profile offline_access",
    });
    expect(
      loadConsoleConfig(
        { OIDC_ISSUER_URL: "https://id.example.com", OIDC_CLIENT_ID: "mcp", OIDC_SCOPES: "openid email" },
        DEFAULTS,
      ).signIn?.scopes,
    ).toBe("openid email");
    expect(() => loadConsoleConfig({ OIDC_ISSUER_URL: "https://id.example.com" }, DEFAULTS)).toThrow(
      "OIDC_CLIENT_ID must be set with OIDC_ISSUER_URL",
    );
  });

  it("takes CONSOLE_TRACE_URL as a template with {traceId}, and refuses one without it", () => {
    expect(loadConsoleConfig({}, DEFAULTS).traceUrl).toBeUndefined();
    const url = "http://jaeger:16686/trace/{traceId}";
    expect(loadConsoleConfig({ CONSOLE_TRACE_URL: url }, DEFAULTS).traceUrl).toBe(url);
    expect(() => loadConsoleConfig({ CONSOLE_TRACE_URL: "http://jaeger:16686/trace" }, DEFAULTS)).toThrow(
      "CONSOLE_TRACE_URL must contain {traceId}",
    );
  });
});
