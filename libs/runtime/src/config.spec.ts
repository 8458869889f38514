import { ConfigError, loadConfig, redactUrl } from "./config.js";

describe("loadConfig", () => {
  it("uses the service's default port and local defaults when the environment is empty", () => {
    const c = loadConfig("workflows", {});
    expect(c.port).toBe(50052);
    expect(c.databaseUrl).toBe("postgres://postgres@127.0.0.1:5432/mcp");
    expect(c.redisUrl).toBeUndefined();
    expect(c.registryUrl).toBe("http://127.0.0.1:50051");
    expect(c.logLevel).toBe("info");
    expect(Object.isFrozen(c)).toBe(true);
  });

  it("builds the database URL from POSTGRES_* parts and the Redis URL from REDIS_HOST/PORT", () => {
    const c = loadConfig("registry", {
      POSTGRES_HOST: "db",
      POSTGRES_PORT: "6543",
      POSTGRES_USER: "app",
      POSTGRES_PASSWORD: "p@ss",
      POSTGRES_DB: "mcp_prod",
      REDIS_HOST: "cache",
      REDIS_PORT: "6380",
      PORT: "7000",
      LOG_LEVEL: "DEBUG",
      LOG_FORMAT: "Pretty",
    });
    expect(c.logFormat).toBe("pretty");
    expect(loadConfig("registry", {}).logFormat).toBe("auto");
    expect(c.databaseUrl).toBe("postgres://app:p%40ss@db:6543/mcp_prod");
    expect(c.redisUrl).toBe("redis://cache:6380");
    expect(c.port).toBe(7000);
    expect(c.logLevel).toBe("debug");
  });

  it("prefers DATABASE_URL and REDIS_URL over their parts", () => {
    const c = loadConfig("registry", {
      DATABASE_URL: "postgresql://u@h:1/d",
      POSTGRES_HOST: "ignored",
      REDIS_URL: "redis://r:1",
      REDIS_HOST: "ignored",
    });
    expect(c.databaseUrl).toBe("postgresql://u@h:1/d");
    expect(c.redisUrl).toBe("redis://r:1");
  });

  it("refuses bad values and names every bad variable", () => {
    let error: unknown;
    try {
      loadConfig("registry", {
        PORT: "70000",
        DATABASE_URL: "mysql://x",
        LOG_LEVEL: "loud",
        LOG_FORMAT: "xml",
        REDIS_URL: "nope",
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain("PORT");
    expect(message).toContain("DATABASE_URL must be a URL starting with postgres://");
    expect(message).toContain("LOG_LEVEL must be one of");
    expect(message).toContain("LOG_FORMAT must be one of auto, json, pretty");
    expect(message).toContain("REDIS_URL");
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it("reads MAX_REQUEST_BYTES (default 4 MiB) and refuses one too small, too large or not a whole number", () => {
    expect(loadConfig("registry", {}).maxRequestBytes).toBe(4 * 1024 * 1024);
    expect(loadConfig("registry", { MAX_REQUEST_BYTES: "1048576" }).maxRequestBytes).toBe(1048576);
    for (const [value, problem] of [
      ["1000", "MAX_REQUEST_BYTES must be at least 65536 (64 KiB)"],
      ["2000000000", "MAX_REQUEST_BYTES must be at most 1073741824 (1 GiB)"],
      ["100000.5", "MAX_REQUEST_BYTES must be a whole number of bytes"],
      ["lots", "MAX_REQUEST_BYTES must be a number of bytes"],
    ] as const) {
      expect(() => loadConfig("registry", { MAX_REQUEST_BYTES: value })).toThrow(problem);
    }
  });

  it("redacts passwords in URLs", () => {
    expect(redactUrl("postgres://u:secret@h:5432/d")).toBe("postgres://u:***@h:5432/d");
  });
});
