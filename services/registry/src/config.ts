import { loadConfig, withSection, zodProblems, type ServiceConfig } from "@mcp/runtime";
import { z } from "zod";

/** The registry's own settings (REGISTRY_*). */
export interface RegistrySettings {
  /** Start stdio MCP servers at registration, in the sandbox, to snapshot their tools (off: it runs a caller's command). */
  readonly probeStdio: boolean;
}

/** The registry's configuration: every service's, and its own section. */
export interface RegistryConfig extends ServiceConfig {
  readonly registry: RegistrySettings;
}

const schema = z.object({
  REGISTRY_PROBE_STDIO: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.toLowerCase() : undefined),
    z
      .enum(["true", "false", "1", "0"], { error: "REGISTRY_PROBE_STDIO must be true or false" })
      .default("false"),
  ),
});

/**
 * Parses the environment into a frozen {@link RegistryConfig}. Throws one ConfigError naming every
 * bad variable, the common ones and the registry's own together.
 */
export function loadRegistryConfig(env: NodeJS.ProcessEnv = process.env): RegistryConfig {
  const { config, section } = withSection(() => loadConfig("registry", env), registrySettings, env);
  return Object.freeze({ ...config, registry: section });
}

function registrySettings(env: NodeJS.ProcessEnv): {
  readonly value?: RegistrySettings;
  readonly problems: readonly string[];
} {
  const parsed = schema.safeParse(env);
  if (!parsed.success) return { problems: zodProblems(parsed.error) };
  const probe = parsed.data.REGISTRY_PROBE_STDIO;
  return { value: Object.freeze({ probeStdio: probe === "true" || probe === "1" }), problems: [] };
}
