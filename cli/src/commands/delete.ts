import { call, type Context } from "../context.js";
import { parseKind } from "./resources.js";

/** `mcp delete mcp|workflow NAME`: soft-deletes it (its versions stay readable for pinned runs). */
export async function del(
  ctx: Context,
  kindArg: string,
  name: string,
  opts: { force?: boolean },
): Promise<void> {
  const kind = parseKind(kindArg, ["mcp", "workflow"]);
  if (kind === "mcp") {
    await call(ctx, "registry", () =>
      ctx.clients.registry.deleteMcp({ mcp: { case: "name", value: name }, force: opts.force ?? false }),
    );
  } else {
    await call(ctx, "workflows", () =>
      ctx.clients.workflows.deleteWorkflow({ workflow: { case: "name", value: name } }),
    );
  }
  ctx.io.out(`deleted ${kind}/${name}`);
}
