import { readFile } from "node:fs/promises";
import { CliError, ExitCode, isNotFound } from "../errors.js";
import { call, type Context } from "../context.js";
import { ManifestError, orderForApply, parseManifest, type Resource } from "../manifest.js";
import { applySchedule } from "./apply-schedule.js";

export type ApplyOutcome = "created" | "updated" | "unchanged";

/** Every field a manifest declares: apply makes the resource exactly what the file says. */
const MCP_MASK = ["description", "tags", "config", "input_schema", "output_schema"];
const WORKFLOW_MASK = ["description", "tags", "spec"];

const sameTags = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((t, i) => t === [...b].sort()[i]);

/**
 * `mcp apply -f FILE...`: creates what does not exist, updates what does (a new version only when
 * the content changed; the services compare content hashes), MCPs before workflows, schedules last.
 * Prints `created|updated|unchanged <kind>/<name> vN` per resource (schedules have no versions).
 */
export async function apply(ctx: Context, files: readonly string[]): Promise<void> {
  const resources: Resource[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      throw new CliError(`cannot read ${file}: ${(err as Error).message}`, ExitCode.USAGE);
    }
    try {
      resources.push(...parseManifest(text, file));
    } catch (err) {
      if (err instanceof ManifestError) throw new CliError(err.message, ExitCode.USAGE);
      throw err;
    }
  }
  for (const r of orderForApply(resources)) {
    if (r.kind === "Schedule") {
      const { outcome } = await applySchedule(ctx, r);
      ctx.io.out(`${outcome} schedule/${r.name}`);
      continue;
    }
    const { outcome, version } = r.kind === "Mcp" ? await applyMcp(ctx, r) : await applyWorkflow(ctx, r);
    ctx.io.out(`${outcome} ${r.kind.toLowerCase()}/${r.name} v${version}`);
  }
}

type McpResource = Extract<Resource, { kind: "Mcp" }>;
type WorkflowResource = Extract<Resource, { kind: "Workflow" }>;

async function applyMcp(ctx: Context, r: McpResource): Promise<{ outcome: ApplyOutcome; version: number }> {
  const registry = ctx.clients.registry;
  const current = await call(ctx, "registry", async () => {
    try {
      return await registry.getMcp({ mcp: { case: "name", value: r.name } });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  });
  if (!current?.mcp) {
    const created = await call(ctx, "registry", () => registry.createMcp(r.request));
    return { outcome: "created", version: created.version?.version ?? 0 };
  }
  const { request } = r;
  const updated = await call(ctx, "registry", () =>
    registry.updateMcp({
      mcp: { case: "name", value: r.name },
      etag: current.mcp!.etag,
      updateMask: { paths: MCP_MASK },
      description: request.description,
      tags: request.tags,
      config: request.config,
      inputSchema: request.inputSchema,
      outputSchema: request.outputSchema,
      changeNote: request.changeNote || "mcp apply",
    }),
  );
  const metadataChanged =
    current.mcp.description !== request.description || !sameTags(current.mcp.tags, request.tags);
  return {
    outcome: updated.versionCreated || metadataChanged ? "updated" : "unchanged",
    version: updated.version?.version ?? updated.mcp?.latestVersion ?? 0,
  };
}

async function applyWorkflow(
  ctx: Context,
  r: WorkflowResource,
): Promise<{ outcome: ApplyOutcome; version: number }> {
  const workflows = ctx.clients.workflows;
  const current = await call(ctx, "workflows", async () => {
    try {
      return await workflows.getWorkflow({ workflow: { case: "name", value: r.name } });
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  });
  if (!current?.workflow) {
    const created = await call(ctx, "workflows", () => workflows.createWorkflow(r.request));
    return { outcome: "created", version: created.version?.version ?? 0 };
  }
  const { request } = r;
  const updated = await call(ctx, "workflows", () =>
    workflows.updateWorkflow({
      workflow: { case: "name", value: r.name },
      etag: current.workflow!.etag,
      updateMask: { paths: WORKFLOW_MASK },
      description: request.description,
      tags: request.tags,
      spec: request.spec,
      changeNote: request.changeNote || "mcp apply",
    }),
  );
  const metadataChanged =
    current.workflow.description !== request.description || !sameTags(current.workflow.tags, request.tags);
  return {
    outcome: updated.versionCreated || metadataChanged ? "updated" : "unchanged",
    version: updated.version?.version ?? updated.workflow?.latestVersion ?? 0,
  };
}
