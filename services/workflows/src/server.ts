import type { ConnectRouter, Client } from "@connectrpc/connect";
import type { Cache } from "@mcp/coordination";
import { WorkflowQueries, WorkflowStore, type DataSource } from "@mcp/db";
import type { RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { WorkflowListing } from "./catalog/listing.js";
import { McpUsages } from "./catalog/mcp-usages.js";
import { SpecChecker } from "./catalog/spec-checker.js";
import { workflowCatalog } from "./catalog/workflow-catalog.js";
import { WorkflowValidator } from "./catalog/workflow-validator.js";
import { WorkflowWriter } from "./catalog/workflow-writer.js";
import { workflowValidation } from "./validation/requests.js";
import { workflowService } from "./workflow-service.js";

/** What the workflows service needs from the outside world. */
export interface WorkflowsBuildDeps {
  readonly dataSource: DataSource;
  readonly cache: Cache;
  /** The registry, reached over gRPC. */
  readonly registry: Client<typeof RegistryService>;
}

/** Builds the workflows service's routes and validation table. */
export function build(deps: WorkflowsBuildDeps) {
  const queries = new WorkflowQueries(deps.dataSource);
  const catalog = workflowCatalog(new WorkflowStore(deps.dataSource), queries, deps.cache);
  const checker = new SpecChecker(deps.registry, queries);
  const impl = workflowService({
    reader: catalog.reader,
    writer: new WorkflowWriter(catalog.writer, checker),
    listing: new WorkflowListing(catalog.listing),
    validator: new WorkflowValidator(checker, catalog.reader),
    usages: new McpUsages(deps.registry, queries),
  });
  return {
    services: [WorkflowService] as const,
    routes: (router: ConnectRouter) => router.service(WorkflowService, impl),
    validation: workflowValidation,
  };
}
