import { selectorText } from "@mcp/wording";
import { call, type Context } from "../context.js";
import { formatTable } from "../output.js";

/** Most workflow versions `get mcp` shows; the rest are counted. */
const SHOWN = 50;

/** The workflow versions whose steps call the MCP, as `get mcp` prints them ("used by"). */
export async function usedByLines(ctx: Context, mcpId: string): Promise<string[]> {
  const res = await call(ctx, "workflows", () =>
    ctx.clients.workflows.listMcpUsages({ mcp: { case: "id", value: mcpId }, pageSize: SHOWN }),
  );
  if (res.usages.length === 0) return ["used by: no workflow"];
  const rows = res.usages.flatMap((u) => {
    const marks = [u.current && "current", u.latest && "latest"].filter(Boolean);
    const version = `v${u.workflowVersion}${marks.length ? ` (${marks.join(", ")})` : ""}`;
    return u.steps.map((s) => [u.workflowName, version, s.stepId, selectorText(s.mcp)]);
  });
  const table = formatTable(["USED BY", "VERSION", "STEP", "SELECTS"], rows);
  return res.nextPageToken ? [table, `(first ${SHOWN} workflow versions shown)`] : [table];
}
