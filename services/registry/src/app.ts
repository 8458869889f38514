import { openFoundation, openSandbox, reportSandboxHealth } from "@mcp/service-base";
import type { Logger, RunningServer } from "@mcp/runtime";
import type { RegistryConfig } from "./config.js";
import { build } from "./server.js";
import { ServerToolProbe } from "./tools/index.js";

/** A started registry and how to stop it. */
export interface RegistryApp {
  readonly server: RunningServer;
  /** Graceful: stop accepting, finish in-flight calls, close the sandbox and the pools. */
  stop(): Promise<void>;
}

/**
 * The registry's composition root: PostgreSQL, cache and metrics (see @mcp/service-base), and
 * RegistryService. `mcp_tool` servers are probed over Streamable HTTP (5 s) when a version is written,
 * and over stdio in the sandbox when REGISTRY_PROBE_STDIO=true.
 */
export async function startRegistry(config: RegistryConfig, logger: Logger): Promise<RegistryApp> {
  const base = await openFoundation("registry", config, logger);
  const sandbox = config.registry.probeStdio ? await openSandbox(config, logger, base.metrics) : undefined;
  const built = build({
    dataSource: base.dataSource,
    cache: base.cache,
    toolProbe: new ServerToolProbe(sandbox === undefined ? {} : { stdioSandbox: sandbox }),
  });
  const server = await base.serve(built, { callsOtherServices: false });
  if (sandbox !== undefined) reportSandboxHealth(server, sandbox);
  return { server, stop: () => base.stop(server, async () => sandbox?.close()) };
}
