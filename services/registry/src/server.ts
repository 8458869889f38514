import type { Cache } from "@mcp/coordination";
import { McpQueries, McpStore, type DataSource } from "@mcp/db";
import { RegistryService } from "@mcp/proto/registry";
import type { ConnectRouter } from "@connectrpc/connect";
import { LabelWriter } from "./catalog/label-writer.js";
import { McpListing } from "./catalog/listing.js";
import { McpReader } from "./catalog/mcp-reader.js";
import { McpWriter } from "./catalog/mcp-writer.js";
import { registryService } from "./registry-service.js";
import type { ToolProbe } from "./tools/index.js";
import { registryValidation } from "./validation.js";

/** What the registry needs from the outside world. */
export interface RegistryBuildDeps {
  readonly dataSource: DataSource;
  readonly cache: Cache;
  /** Lists the tools of `mcp_tool` servers when a version is written. */
  readonly toolProbe: ToolProbe;
}

/** Builds the registry's routes and validation table from its dependencies. */
export function build(deps: RegistryBuildDeps) {
  const queries = new McpQueries(deps.dataSource);
  const store = new McpStore(deps.dataSource);
  const reader = new McpReader(queries, deps.cache);
  const impl = registryService({
    reader,
    writer: new McpWriter(store, queries, deps.cache, deps.toolProbe),
    labels: new LabelWriter(store, deps.cache),
    listing: new McpListing(queries, reader),
  });
  return {
    services: [RegistryService] as const,
    routes: (router: ConnectRouter) => router.service(RegistryService, impl),
    validation: registryValidation,
  };
}
