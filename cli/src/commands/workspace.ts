import { create } from "@bufbuild/protobuf";
import { ListWorkspacesResponseSchema, type Workspace } from "@mcp/proto/registry";
import type { Command, Option } from "commander";
import { call, type Context } from "../context.js";
import { formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";
import type { Action } from "./trigger.js";

export const WORKSPACE_HEADERS = ["NAME", "CREATED", "CREATED BY"];

/** One row of the workspaces table. */
export function workspaceRow(w: Workspace): string[] {
  return [w.name, formatTime(w.createTime), w.createdBy || "-"];
}

async function workspaceList(ctx: Context, opts: { output: OutputFormat }): Promise<void> {
  const workspaces: Workspace[] = [];
  await call(ctx, "registry", async () => {
    let pageToken = "";
    do {
      const res = await ctx.clients.workspaces.listWorkspaces({ pageSize: 500, pageToken });
      workspaces.push(...res.workspaces);
      pageToken = res.nextPageToken;
    } while (pageToken !== "");
  });
  if (opts.output === "json") {
    return ctx.io.out(
      messageJson(ListWorkspacesResponseSchema, create(ListWorkspacesResponseSchema, { workspaces })),
    );
  }
  ctx.io.out(formatTable(WORKSPACE_HEADERS, workspaces.map(workspaceRow)));
}

async function workspaceGet(ctx: Context, name: string, opts: { output: OutputFormat }): Promise<void> {
  const res = await call(ctx, "registry", () => ctx.clients.workspaces.getWorkspace({ name }));
  if (opts.output === "json") {
    return ctx.io.out(
      messageJson(
        ListWorkspacesResponseSchema,
        create(ListWorkspacesResponseSchema, { workspaces: [res.workspace!] }),
      ),
    );
  }
  ctx.io.out(formatTable(WORKSPACE_HEADERS, [workspaceRow(res.workspace!)]));
}

/**
 * `mcp workspace create|list|get|delete`: the workspaces themselves (docs/adr/021). Every other command
 * acts in the workspace `--workspace` (or MCP_WORKSPACE) names.
 */
export function addWorkspaceCommands(program: Command, action: Action, outputOption: () => Option): void {
  const workspace = program
    .command("workspace")
    .description(
      "workspaces: every MCP, workflow, run, schedule, secret and trigger belongs to one (--workspace)",
    );
  workspace
    .command("create")
    .description("create a workspace")
    .argument("<name>", "lower-case letters, digits and dashes, starting with a letter")
    .action(
      action(async (ctx, name: string) => {
        await call(ctx, "registry", () => ctx.clients.workspaces.createWorkspace({ name }));
        ctx.io.out(`created workspace/${name}`);
      }),
    );
  workspace
    .command("list")
    .description("list the workspaces")
    .addOption(outputOption())
    .action(action((ctx, opts: { output: OutputFormat }) => workspaceList(ctx, opts)));
  workspace
    .command("get")
    .description("show one workspace")
    .argument("<name>", "workspace name")
    .addOption(outputOption())
    .action(action((ctx, name: string, opts: { output: OutputFormat }) => workspaceGet(ctx, name, opts)));
  workspace
    .command("delete")
    .description("delete an empty workspace (refused while it holds anything)")
    .argument("<name>", "workspace name")
    .action(
      action(async (ctx, name: string) => {
        await call(ctx, "registry", () => ctx.clients.workspaces.deleteWorkspace({ name }));
        ctx.io.out(`deleted workspace/${name}`);
      }),
    );
}
