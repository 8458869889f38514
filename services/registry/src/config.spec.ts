import { ConfigError } from "@mcp/runtime";
import { loadRegistryConfig } from "./config.js";

describe("loadRegistryConfig", () => {
  it("probes stdio servers only when asked to", () => {
    expect(loadRegistryConfig({}).registry.probeStdio).toBe(false);
    expect(loadRegistryConfig({ REGISTRY_PROBE_STDIO: "TRUE" }).registry.probeStdio).toBe(true);
    expect(loadRegistryConfig({ REGISTRY_PROBE_STDIO: "1" }).registry.probeStdio).toBe(true);
    expect(loadRegistryConfig({ REGISTRY_PROBE_STDIO: "" }).registry.probeStdio).toBe(false);
  });

  it("keeps the common settings", () => {
    const config = loadRegistryConfig({ PORT: "6000" });
    expect(config.service).toBe("registry");
    expect(config.port).toBe(6000);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it("lists the common problems and its own together", () => {
    let thrown: unknown;
    try {
      loadRegistryConfig({ PORT: "x", REGISTRY_PROBE_STDIO: "maybe" });
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    const { problems } = thrown as ConfigError;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining("PORT must be a number"),
        "REGISTRY_PROBE_STDIO: REGISTRY_PROBE_STDIO must be true or false",
      ]),
    );
  });
});
