import type { Cache } from "@mcp/coordination";
import { McpQueries, McpStore, WorkspaceStore, type DataSource } from "@mcp/db";
import { RegistryService, WorkspaceService } from "@mcp/proto/registry";
import type { ConnectRouter } from "@connectrpc/connect";
import { LabelWriter } from "./catalog/label-writer.js";
import { McpListing } from "./catalog/listing.js";
import { mcpCatalog } from "./catalog/mcp-catalog.js";
import { McpWriter } from "./catalog/mcp-writer.js";
import { registryService } from "./registry-service.js";
import type { ToolProbe } from "./tools/index.js";
import { registryValidation } from "./validation/requests.js";
import { Workspaces, workspaceService, workspaceValidation } from "./workspaces/index.js";

/** What the registry needs from the outside world. */
export interface RegistryBuildDeps {
  readonly dataSource: DataSource;
  readonly cache: Cache;
  /** Lists the tools of `mcp_tool` servers when a version is written. */
  readonly toolProbe: ToolProbe;
}

/** Builds the registry's routes (RegistryService and WorkspaceService, docs/adr/021) and validation table. */
export function build(deps: RegistryBuildDeps) {
  const queries = new McpQueries(deps.dataSource);
  const catalog = mcpCatalog(new McpStore(deps.dataSource), queries, deps.cache);
  const impl = registryService({
    reader: catalog.reader,
    writer: new McpWriter(catalog.writer, queries, deps.toolProbe),
    labels: new LabelWriter(catalog.writer),
    listing: new McpListing(catalog, queries),
  });
  const workspaces = workspaceService(new Workspaces(new WorkspaceStore(deps.dataSource)));
  return {
    services: [RegistryService, WorkspaceService] as const,
    routes: (router: ConnectRouter) => {
      router.service(RegistryService, impl);
      router.service(WorkspaceService, workspaces);
    },
    validation: new Map([...registryValidation, ...workspaceValidation]),
  };
}
