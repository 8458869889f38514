import { call, type Context } from "./context.js";

const FULL_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The full id of the run `id` names: a full id as is, a short one (a unique prefix of 8+ hex digits, as
 * `mcp runs` and the console show) through the executor's ResolveRunId, whose NOT_FOUND or
 * AMBIGUOUS_RUN_ID (listing the candidates) is reported like any call's error.
 */
export async function runIdOf(ctx: Context, id: string): Promise<string> {
  if (FULL_ID.test(id)) return id;
  const res = await call(ctx, "executor", () => ctx.clients.executor.resolveRunId({ prefix: id }));
  return res.id;
}
