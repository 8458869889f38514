import { ConfigError, loadConfig } from "../config.js";

describe("loadConfig › OIDC_*", () => {
  it("has no sign-in without an issuer, and API keys stay off in single-node mode (as before)", () => {
    const c = loadConfig("registry", {});
    expect(c.oidc).toBeUndefined();
    expect(c.auth.enabled).toBe(false);
  });

  it("with an issuer: the audience defaults to the client id, auth turns on, defaults for skew, last-seen and JWKS cooldown", () => {
    const c = loadConfig("registry", { OIDC_ISSUER_URL: "https://id.example.com/", OIDC_CLIENT_ID: "mcp" });
    expect(c.oidc).toEqual({
      issuerUrl: "https://id.example.com/",
      clientId: "mcp",
      audiences: ["mcp"],
      clockSkewSeconds: 30,
      lastSeenMinutes: 5,
      jwksCooldownMs: 30_000,
    });
    expect(c.auth.enabled).toBe(true);
    expect(Object.isFrozen(c.oidc)).toBe(true);
    expect(
      loadConfig("registry", {
        OIDC_ISSUER_URL: "https://id.example.com",
        OIDC_CLIENT_ID: "mcp",
        AUTH_ENABLED: "false",
      }).auth.enabled,
    ).toBe(false);
  });

  it("OIDC_AUDIENCE lists accepted audiences (e.g. a console client and a CLI client)", () => {
    const c = loadConfig("registry", {
      OIDC_ISSUER_URL: "https://id.example.com",
      OIDC_AUDIENCE: "console, cli",
      OIDC_CLOCK_SKEW_SECONDS: "10",
    });
    expect(c.oidc?.audiences).toEqual(["console", "cli"]);
    expect(c.oidc?.clientId).toBeUndefined();
    expect(c.oidc?.clockSkewSeconds).toBe(10);
  });

  it("refuses an issuer without a client id or audience, and a bad issuer URL or skew, naming the variable", () => {
    expect(() => loadConfig("registry", { OIDC_ISSUER_URL: "https://id.example.com" })).toThrow(
      "OIDC_CLIENT_ID (or OIDC_AUDIENCE) must be set with OIDC_ISSUER_URL",
    );
    const bad = () =>
      loadConfig("registry", { OIDC_ISSUER_URL: "id.example.com", OIDC_CLOCK_SKEW_SECONDS: "900" });
    expect(bad).toThrow(ConfigError);
    expect(bad).toThrow(
      /OIDC_ISSUER_URL: OIDC_ISSUER_URL must be a URL starting with http:\/\/ or https:\/\//,
    );
    expect(bad).toThrow(/OIDC_CLOCK_SKEW_SECONDS: OIDC_CLOCK_SKEW_SECONDS must be at most 300/);
  });
});
