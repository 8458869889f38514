import type { Cache } from "@mcp/coordination";
import { AuditStore, McpQueries, McpStore, MemberStore, WorkspaceStore, type DataSource } from "@mcp/db";
import { AccessService, AuditService, RegistryService, WorkspaceService } from "@mcp/proto/registry";
import type { ConnectRouter } from "@connectrpc/connect";
import { accessService } from "./access-service.js";
import { Members } from "./access/members.js";
import { accessValidation } from "./access/validation.js";
import { auditService } from "./audit-service.js";
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

/**
 * Builds the registry's routes and validation table from its dependencies: the catalogue
 * (RegistryService), workspaces (WorkspaceService, docs/adr/021), access (AccessService: WhoAmI,
 * members) and the audit log (AuditService, which every service writes through its audit interceptor).
 */
export function build(deps: RegistryBuildDeps) {
  const queries = new McpQueries(deps.dataSource);
  const catalog = mcpCatalog(new McpStore(deps.dataSource), queries, deps.cache);
  const impl = registryService({
    reader: catalog.reader,
    writer: new McpWriter(catalog.writer, queries, deps.toolProbe),
    labels: new LabelWriter(catalog.writer),
    listing: new McpListing(catalog, queries),
  });
  const access = accessService(new Members(new MemberStore(deps.dataSource)));
  const audit = auditService(new AuditStore(deps.dataSource));
  const workspaces = workspaceService(new Workspaces(new WorkspaceStore(deps.dataSource)));
  return {
    services: [RegistryService, WorkspaceService, AccessService, AuditService] as const,
    routes: (router: ConnectRouter) =>
      router
        .service(RegistryService, impl)
        .service(WorkspaceService, workspaces)
        .service(AccessService, access)
        .service(AuditService, audit),
    validation: new Map([...registryValidation, ...workspaceValidation, ...accessValidation]),
  };
}
