import { create } from "@bufbuild/protobuf";
import { ListMcpsResponseSchema, McpType, type Mcp } from "@mcp/proto/registry";
import { ListWorkflowsResponseSchema, type Workflow } from "@mcp/proto/workflows";
import { call, type Context } from "../context.js";
import { enumLabel, formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";
import { parseKind } from "./resources.js";

export interface ListOptions {
  readonly output: OutputFormat;
  readonly tag?: string;
  readonly text?: string;
}

/** Pages through a List RPC. */
async function all<T>(page: (token: string) => Promise<{ items: T[]; next: string }>): Promise<T[]> {
  const items: T[] = [];
  let token = "";
  do {
    const res = await page(token);
    items.push(...res.items);
    token = res.next;
  } while (token !== "");
  return items;
}

/** `mcp list mcps|workflows`: every live one, newest pages followed to the end. */
export async function list(ctx: Context, kindArg: string, opts: ListOptions): Promise<void> {
  const kind = parseKind(kindArg, ["mcp", "workflow"]);
  const filter = { tag: opts.tag ?? "", text: opts.text ?? "" };
  if (kind === "mcp") {
    const mcps = await call(ctx, "registry", () =>
      all<Mcp>(async (pageToken) => {
        const res = await ctx.clients.registry.listMcps({ pageSize: 100, pageToken, filter });
        return { items: res.mcps, next: res.nextPageToken };
      }),
    );
    if (opts.output === "json")
      return ctx.io.out(messageJson(ListMcpsResponseSchema, create(ListMcpsResponseSchema, { mcps })));
    ctx.io.out(
      formatTable(
        ["NAME", "TYPE", "LATEST", "TAGS", "DESCRIPTION"],
        mcps.map((m) => [
          m.name,
          enumLabel(McpType[m.type], "MCP_TYPE_"),
          `v${m.latestVersion}`,
          m.tags.join(",") || "-",
          m.description,
        ]),
      ),
    );
    return;
  }
  const workflows = await call(ctx, "workflows", () =>
    all<Workflow>(async (pageToken) => {
      const res = await ctx.clients.workflows.listWorkflows({ pageSize: 100, pageToken, filter });
      return { items: res.workflows, next: res.nextPageToken };
    }),
  );
  if (opts.output === "json")
    return ctx.io.out(
      messageJson(ListWorkflowsResponseSchema, create(ListWorkflowsResponseSchema, { workflows })),
    );
  ctx.io.out(
    formatTable(
      ["NAME", "CURRENT", "LATEST", "TAGS", "UPDATED", "DESCRIPTION"],
      workflows.map((w) => [
        w.name,
        `v${w.currentVersion}`,
        `v${w.latestVersion}`,
        w.tags.join(",") || "-",
        formatTime(w.updateTime),
        w.description,
      ]),
    ),
  );
}
