import { RegistryService } from "@mcp/proto/registry";
import { createServiceClient, type Logger, type RunningServer, type ServiceConfig } from "@mcp/runtime";
import { openFoundation } from "@mcp/service-base";
import { build } from "./server.js";

/** A started workflows service and how to stop it. */
export interface WorkflowsApp {
  readonly server: RunningServer;
  stop(): Promise<void>;
}

/**
 * The workflows service's composition root: PostgreSQL, cache and metrics (see @mcp/service-base), a
 * gRPC client of the registry at REGISTRY_URL, and WorkflowService.
 */
export async function startWorkflows(config: ServiceConfig, logger: Logger): Promise<WorkflowsApp> {
  const base = await openFoundation("workflows", config, logger);
  logger.info({ registry: config.registryUrl }, "registry client");
  const registry = createServiceClient(RegistryService, config.registryUrl, {
    timeoutMs: 5_000,
    apiKey: config.auth.serviceApiKey,
    from: "workflows",
  });
  const built = build({ dataSource: base.dataSource, cache: base.cache, registry });
  const server = await base.serve(built, { callsOtherServices: true });
  return { server, stop: () => base.stop(server) };
}
