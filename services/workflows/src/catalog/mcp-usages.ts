import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type Client } from "@connectrpc/connect";
import { keysetPage, type Page, type WorkflowQueries, type WorkflowVersionUsingMcp } from "@mcp/db";
import { NotFoundError, UnavailableError } from "@mcp/errors";
import type { RegistryService } from "@mcp/proto/registry";
import { McpUsageSchema, type ListMcpUsagesRequest, type McpUsage } from "@mcp/proto/workflows";
import { specFromJson } from "./content.js";

/** An MCP as the `mcp_refs` column names it. */
interface McpKey {
  readonly id: string;
  readonly nameKey: string;
}

/**
 * "Used by": the workflow versions whose steps call an MCP. The registry says which MCP the request
 * names (so a step naming it by id and one naming it by name are both found); the `mcp_refs` index
 * finds the versions; each version's spec says which steps call it and how they select its version.
 */
export class McpUsages {
  constructor(
    private readonly registry: Client<typeof RegistryService>,
    private readonly queries: WorkflowQueries,
  ) {}

  async list(req: ListMcpUsagesRequest): Promise<Page<McpUsage>> {
    const mcp = await this.resolve(req.mcp);
    const refs = [`id:${mcp.id}`, `name:${mcp.nameKey}`];
    return keysetPage(
      { size: req.pageSize, token: req.pageToken, scope: { usesMcp: mcp.id, current: req.currentOnly } },
      (after, limit) =>
        this.queries.versionsUsing(
          refs,
          req.currentOnly,
          after ? [String(after[0]), String(after[1]), Number(after[2])] : undefined,
          limit,
        ),
      (last) => [last.nameKey, last.workflowId, last.version],
      (row) => toUsage(row, mcp),
    );
  }

  /** The MCP's id and name key, from the registry; NOT_FOUND when it does not know the MCP. */
  private async resolve(mcp: ListMcpUsagesRequest["mcp"]): Promise<McpKey> {
    try {
      const res = await this.registry.getMcp({ mcp });
      return { id: res.mcp!.id.toLowerCase(), nameKey: res.mcp!.name.toLowerCase() };
    } catch (err) {
      const e = ConnectError.from(err);
      if (e.code === Code.NotFound) throw new NotFoundError("MCP", mcp.value ?? "");
      throw new UnavailableError("registry", `could not look the MCP up: ${e.rawMessage}`, { cause: e });
    }
  }
}

/** One version's usage: the steps whose MCP reference names `mcp` by id or by name. */
export function toUsage(row: WorkflowVersionUsingMcp, mcp: McpKey): McpUsage {
  const spec = specFromJson(row.spec);
  const steps = spec.steps.flatMap((step) => {
    const ref = step.mcp;
    const target = ref?.mcp;
    const matches =
      (target?.case === "id" && target.value.toLowerCase() === mcp.id) ||
      (target?.case === "name" && target.value.toLowerCase() === mcp.nameKey);
    return matches ? [{ stepId: step.stepId, mcp: ref }] : [];
  });
  return create(McpUsageSchema, {
    workflowId: row.workflowId,
    workflowName: row.workflowName,
    workflowVersion: row.version,
    current: row.version === row.currentVersion,
    latest: row.version === row.latestVersion,
    steps,
  });
}
