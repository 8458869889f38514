import { create } from "@bufbuild/protobuf";
import { ListMcpsResponseSchema, McpType, type Mcp, type McpFacets } from "@mcp/proto/registry";
import { ListWorkflowsResponseSchema, type Workflow } from "@mcp/proto/workflows";
import { call, type Context } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { enumLabel, formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";
import { parseKind } from "./resources.js";

export interface ListOptions {
  readonly output: OutputFormat;
  /** Tags: an MCP carrying any of them (a workflow: exactly one tag). */
  readonly tag?: readonly string[];
  readonly text?: string;
  /** MCP types, e.g. `python_script`: any of them. */
  readonly type?: readonly string[];
  /** MCP labels, e.g. `production`: any of them. */
  readonly label?: readonly string[];
  /** Only deprecated MCPs (true) or only not deprecated (false). */
  readonly deprecated?: boolean;
  /** Also print how many MCPs each type, tag, label and deprecation has under the other filters. */
  readonly facets?: boolean;
}

const TYPE_NAMES = Object.keys(McpType).filter((k) => isNaN(Number(k)) && k !== "UNSPECIFIED");

/** `python_script` (or `python-script`, any case) → `McpType.PYTHON_SCRIPT`. */
export function parseMcpType(value: string): McpType {
  const key = value.toUpperCase().replace(/-/g, "_");
  if (!TYPE_NAMES.includes(key)) {
    const known = TYPE_NAMES.map((t) => t.toLowerCase()).join(", ");
    throw new CliError(`--type: unknown MCP type "${value}"; use one of ${known}`, ExitCode.USAGE);
  }
  return McpType[key as keyof typeof McpType];
}

/** The facet counts as lines: `type: python_script 2, llm_prompt 1`, … */
export function facetLines(f: McpFacets): string[] {
  const join = (items: { value: string; count: number }[]) =>
    items.map((i) => `${i.value} ${i.count}`).join(", ") || "-";
  return [
    `type: ${join(f.types.map((t) => ({ value: enumLabel(McpType[t.type], "MCP_TYPE_"), count: t.count })))}`,
    `tag: ${join(f.tags)}`,
    `label: ${join(f.labels)}`,
    `deprecated: ${f.deprecated}, not deprecated: ${f.notDeprecated}`,
  ];
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
  const tags = opts.tag ?? [];
  if (kind === "mcp") {
    const filter = {
      text: opts.text ?? "",
      tags: [...tags],
      types: (opts.type ?? []).map(parseMcpType),
      labels: [...(opts.label ?? [])],
      deprecated: opts.deprecated,
    };
    let facets: McpFacets | undefined;
    const mcps = await call(ctx, "registry", () =>
      all<Mcp>(async (pageToken) => {
        const res = await ctx.clients.registry.listMcps({
          pageSize: 100,
          pageToken,
          filter,
          includeFacets: opts.facets === true && pageToken === "",
        });
        facets ??= res.facets;
        return { items: res.mcps, next: res.nextPageToken };
      }),
    );
    if (opts.output === "json")
      return ctx.io.out(
        messageJson(ListMcpsResponseSchema, create(ListMcpsResponseSchema, { mcps, facets })),
      );
    ctx.io.out(
      formatTable(
        ["NAME", "TYPE", "LATEST", "LABELS", "TAGS", "DESCRIPTION"],
        mcps.map((m) => [
          m.deprecated ? `${m.name} (deprecated)` : m.name,
          enumLabel(McpType[m.type], "MCP_TYPE_"),
          `v${m.latestVersion}`,
          labelList(m),
          m.tags.join(",") || "-",
          m.description,
        ]),
      ),
    );
    if (facets) for (const line of facetLines(facets)) ctx.io.out(line);
    return;
  }
  const mcpOnly = [
    opts.type?.length && "--type",
    opts.label?.length && "--label",
    opts.deprecated !== undefined && "--deprecated",
    opts.facets && "--facets",
  ].filter(Boolean);
  if (mcpOnly.length > 0) throw new CliError(`${mcpOnly.join(", ")}: only for \`list mcps\``, ExitCode.USAGE);
  if (tags.length > 1) throw new CliError("--tag: workflows are filtered by one tag", ExitCode.USAGE);
  const filter = { tag: tags[0] ?? "", text: opts.text ?? "" };
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

/** An MCP's labels other than `latest`, as `production=3,staging=4`. */
function labelList(m: Mcp): string {
  return (
    Object.entries(m.labels)
      .filter(([label]) => label !== "latest")
      .map(([label, v]) => `${label}=${v}`)
      .join(",") || "-"
  );
}
