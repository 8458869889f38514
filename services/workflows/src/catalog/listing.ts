import type { CatalogKey, CatalogListing } from "@mcp/catalog";
import type { Page, WorkflowDefinitionEntity, WorkflowListFilter, WorkflowVersionEntity } from "@mcp/db";
import type { ListWorkflowsRequest, Workflow, WorkflowVersion } from "@mcp/proto/workflows";
import { UUID } from "@mcp/validation";
import { toWorkflow, toWorkflowVersion } from "./mapping.js";

/** Keyset-paginated lists of workflows (filtered by tag, text, or an MCP they use) and their versions. */
export class WorkflowListing {
  constructor(
    private readonly listing: CatalogListing<
      WorkflowDefinitionEntity,
      WorkflowVersionEntity,
      WorkflowListFilter
    >,
  ) {}

  list(workspace: string, req: ListWorkflowsRequest): Promise<Page<Workflow>> {
    const uses = req.filter?.usesMcp ?? "";
    const filter: WorkflowListFilter = {
      workspace,
      tag: req.filter?.tag || undefined,
      text: req.filter?.text || undefined,
      usesMcp: uses ? mcpRefKeys(uses) : undefined,
      showDeleted: req.showDeleted,
    };
    return this.listing.definitions(filter, req.pageSize, req.pageToken, toWorkflow);
  }

  versions(workspace: string, key: CatalogKey, size: number, token: string): Promise<Page<WorkflowVersion>> {
    return this.listing.versions(workspace, key, size, token, toWorkflowVersion);
  }
}

/** `uses_mcp` as stored refs: an id matches `id:<id>`; a name matches `name:<key>`. */
function mcpRefKeys(value: string): string[] {
  return UUID.test(value) ? [`id:${value.toLowerCase()}`] : [`name:${value.toLowerCase()}`];
}
