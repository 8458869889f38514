import { ConfigError, generateApiKey, loadConfig } from "@mcp/runtime";

describe("auth configuration", () => {
  const base = { DATABASE_URL: "postgres://postgres@127.0.0.1:5432/mcp" };

  it("is off by default without Redis (single-node mode) and on with Redis", () => {
    expect(loadConfig("registry", base).auth.enabled).toBe(false);
    expect(loadConfig("registry", { ...base, REDIS_URL: "redis://127.0.0.1:6379" }).auth.enabled).toBe(true);
  });

  it("lets an explicit AUTH_ENABLED win either way", () => {
    expect(loadConfig("registry", { ...base, AUTH_ENABLED: "true" }).auth.enabled).toBe(true);
    expect(
      loadConfig("registry", { ...base, REDIS_URL: "redis://127.0.0.1:6379", AUTH_ENABLED: "false" }).auth
        .enabled,
    ).toBe(false);
  });

  it("caches keys for 30 s by default and accepts a well-formed SERVICE_API_KEY", () => {
    const key = generateApiKey().token;
    const config = loadConfig("workflows", { ...base, SERVICE_API_KEY: key });
    expect(config.auth).toEqual({
      enabled: false,
      serviceApiKey: key,
      cacheMs: 30_000,
      bootstrapAdminEmails: [],
    });
  });

  it("reads BOOTSTRAP_ADMIN_EMAILS as lower-cased emails and refuses anything else, naming the variable", () => {
    const config = loadConfig("registry", {
      ...base,
      BOOTSTRAP_ADMIN_EMAILS: " Ana@Example.com, ops@example.org ,",
    });
    expect(config.auth.bootstrapAdminEmails).toEqual(["ana@example.com", "ops@example.org"]);
    expect(() => loadConfig("registry", { ...base, BOOTSTRAP_ADMIN_EMAILS: "ana@example.com,root" })).toThrow(
      "BOOTSTRAP_ADMIN_EMAILS must be comma-separated email addresses",
    );
  });

  it("refuses a bad AUTH_ENABLED or a malformed SERVICE_API_KEY, naming both", () => {
    let caught: unknown;
    try {
      loadConfig("workflows", { ...base, AUTH_ENABLED: "maybe", SERVICE_API_KEY: "secret" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const problems = (caught as ConfigError).problems.join("\n");
    expect(problems).toContain("AUTH_ENABLED must be true or false");
    expect(problems).toContain("SERVICE_API_KEY must be a key printed by `npm run keys -- create`");
  });
});
