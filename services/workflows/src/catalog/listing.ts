import { decodePageToken, encodePageToken, pageSize, toPage, type Page, type WorkflowQueries } from "@mcp/db";
import type { ListWorkflowsRequest, Workflow, WorkflowVersion } from "@mcp/proto/workflows";
import { UUID } from "@mcp/validation";
import { toWorkflow, toWorkflowVersion } from "./mapping.js";
import type { WorkflowKey, WorkflowReader } from "./workflow-reader.js";

/** Keyset-paginated lists of workflows and their versions. */
export class WorkflowListing {
  constructor(
    private readonly queries: WorkflowQueries,
    private readonly reader: WorkflowReader,
  ) {}

  async list(req: ListWorkflowsRequest): Promise<Page<Workflow>> {
    const uses = req.filter?.usesMcp ?? "";
    const filter = {
      tag: req.filter?.tag || undefined,
      text: req.filter?.text || undefined,
      usesMcp: uses ? await this.mcpRefKeys(uses) : undefined,
      showDeleted: req.showDeleted,
    };
    const limit = pageSize(req.pageSize);
    const after = decodePageToken(req.pageToken, filter);
    const rows = await this.queries.list(
      filter,
      after ? [String(after[0]), String(after[1])] : undefined,
      limit + 1,
    );
    return toPage(rows, limit, (last) => encodePageToken([last.nameKey, last.id], filter), toWorkflow);
  }

  async versions(key: WorkflowKey, size: number, token: string): Promise<Page<WorkflowVersion>> {
    const def = await this.reader.definition(key);
    const limit = pageSize(size);
    const before = decodePageToken(token, { workflow: def.id });
    const rows = await this.queries.listVersions(def.id, before ? Number(before[0]) : undefined, limit + 1);
    return toPage(
      rows,
      limit,
      (last) => encodePageToken([last.version], { workflow: def.id }),
      (row) => toWorkflowVersion(row, def),
    );
  }

  /** `uses_mcp` as stored refs: an id matches `id:<id>`; a name matches `name:<key>`. */
  private async mcpRefKeys(value: string): Promise<string[]> {
    return UUID.test(value) ? [`id:${value.toLowerCase()}`] : [`name:${value.toLowerCase()}`];
  }
}
