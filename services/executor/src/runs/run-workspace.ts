import { ANY_WORKSPACE, type RunQueries } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";

/** The workspace of run `runId` (background work acts in it: a step's secrets, its definitions). */
export async function runWorkspace(queries: Pick<RunQueries, "findRun">, runId: string): Promise<string> {
  const run = await queries.findRun(ANY_WORKSPACE, runId);
  if (!run) throw new NotFoundError("run", runId);
  return run.workspace;
}
