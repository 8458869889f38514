import { openFoundation } from "@mcp/service-base";
import type { Logger, RunningServer, ServiceConfig } from "@mcp/runtime";
import { build } from "./server.js";
import { ServerToolProbe } from "./tools/index.js";

/** A started registry and how to stop it. */
export interface RegistryApp {
  readonly server: RunningServer;
  /** Graceful: stop accepting, finish in-flight calls, close the pools. */
  stop(): Promise<void>;
}

/**
 * The registry's composition root: PostgreSQL, cache and metrics (see @mcp/service-base), and
 * RegistryService. `mcp_tool` servers are probed over Streamable HTTP (5 s) when a version is written.
 */
export async function startRegistry(config: ServiceConfig, logger: Logger): Promise<RegistryApp> {
  const base = await openFoundation("registry", config, logger);
  const built = build({
    dataSource: base.dataSource,
    cache: base.cache,
    toolProbe: new ServerToolProbe({ probeStdio: config.registry.probeStdio }),
  });
  const server = await base.serve(built, { mutating: "write", callsOtherServices: false });
  return { server, stop: () => base.stop(server) };
}
