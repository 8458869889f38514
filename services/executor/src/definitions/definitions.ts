import type { Client } from "@connectrpc/connect";
import { Code, ConnectError } from "@connectrpc/connect";
import { cached, CatalogMemo, type Cache } from "@mcp/coordination";
import { FailedPreconditionError, NotFoundError, UnavailableError } from "@mcp/errors";
import { McpConfigSchema, type McpReference, type RegistryService } from "@mcp/proto/registry";
import { type WorkflowReference, type WorkflowService, type WorkflowSpec } from "@mcp/proto/workflows";
import { fromJson, toJson, type JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import { workspaceHeaders } from "@mcp/runtime";
import type { PinnedMcp } from "../step/index.js";

/** A workflow version as a run pins it. */
export interface PinnedWorkflow {
  readonly id: string;
  readonly name: string;
  readonly version: number;
  readonly spec: WorkflowSpec;
}

/** Resolves references to pinned definitions, in one workspace. */
export interface Resolver {
  workflow(ref: WorkflowReference): Promise<PinnedWorkflow>;
  /** `stepId` names the step in a FAILED_PRECONDITION when the MCP does not resolve. */
  mcp(ref: McpReference, stepId?: string): Promise<PinnedMcp>;
}

/** Immutable versions can be cached for long. */
const VERSION_TTL_SECONDS = 24 * 3600;

type CachedMcp = Omit<PinnedMcp, "config"> & { config: PbJsonObject };

/**
 * Reads definitions from the workflows and registry services over gRPC, always in one workspace (the
 * run's: the calls carry its `x-mcp-workspace` header, and every cache and memo key names it, so one
 * workspace never resolves another's definitions; docs/adr/021). References with a label or
 * "latest"/"current" move, so they are resolved by a call, or, through {@link current} with a shared
 * cache, from memory while the catalog generation is unchanged; a resolved immutable version is cached.
 */
export class Definitions {
  private readonly memo:
    { readonly workflows: CatalogMemo<PinnedWorkflow>; readonly mcps: CatalogMemo<PinnedMcp> } | undefined;

  constructor(
    private readonly workflows: Client<typeof WorkflowService>,
    private readonly registry: Client<typeof RegistryService>,
    private readonly cache: Cache,
    /** True when `cache` is shared with the registry and workflows services (Redis). */
    sharedCache = false,
  ) {
    this.memo = sharedCache ? { workflows: new CatalogMemo(cache), mcps: new CatalogMemo(cache) } : undefined;
  }

  /**
   * A resolver for one run start: references resolve as of this call (a write answered before it
   * is seen), repeated ones from memory while no definition has changed since (one cache read).
   */
  async current(workspace: string): Promise<Resolver> {
    const memo = this.memo;
    if (!memo) return this.in(workspace);
    const generation = await memo.workflows.generation();
    return {
      workflow: (ref) =>
        memo.workflows.get(generation, `${workspace}/${workflowKey(ref)}`, () =>
          this.workflow(workspace, ref),
        ),
      mcp: (ref, stepId) =>
        memo.mcps.get(generation, `${workspace}/${mcpKey(ref)}`, () => this.mcp(workspace, ref, stepId)),
    };
  }

  /** A resolver that asks the services each time, in `workspace`. */
  in(workspace: string): Resolver {
    return {
      workflow: (ref) => this.workflow(workspace, ref),
      mcp: (ref, stepId) => this.mcp(workspace, ref, stepId),
    };
  }

  async workflow(workspace: string, ref: WorkflowReference): Promise<PinnedWorkflow> {
    const res = await call("workflows", () =>
      this.workflows.getWorkflow(
        {
          workflow: ref.workflow,
          selector: ref.version !== undefined ? { case: "version", value: ref.version } : { case: undefined },
        },
        { headers: workspaceHeaders(workspace) },
      ),
    );
    const w = res.workflow;
    const v = res.version;
    if (!w || !v?.spec) throw new NotFoundError("workflow", ref.workflow.value ?? "");
    if (w.deleteTime && ref.workflow.case === "name")
      throw new NotFoundError("workflow", w.name, "it was deleted");
    return { id: w.id, name: w.name, version: v.version, spec: v.spec };
  }

  /** Resolves a step's MCP reference to a concrete version now (labels resolved at this moment). */
  async mcp(workspace: string, ref: McpReference, stepId?: string): Promise<PinnedMcp> {
    if (ref.selector.case === "version" && ref.mcp.case === "id") {
      const key = mcpVersionKey(workspace, ref.mcp.value, ref.selector.value);
      const json = await cached<CachedMcp>(this.cache, key, VERSION_TTL_SECONDS, async () =>
        toCached(await this.fetchMcp(workspace, ref, stepId)),
      );
      return { ...json, config: fromJson(McpConfigSchema, json.config) };
    }
    const pinned = await this.fetchMcp(workspace, ref, stepId);
    // for later lookups of this exact version; the run does not wait for it (the cache fails open)
    void this.cache
      .set(mcpVersionKey(workspace, pinned.id, pinned.version), toCached(pinned), VERSION_TTL_SECONDS)
      .catch(() => undefined);
    return pinned;
  }

  private async fetchMcp(
    workspace: string,
    ref: McpReference,
    stepId: string | undefined,
  ): Promise<PinnedMcp> {
    try {
      const res = await call("registry", () =>
        this.registry.getMcp(
          { mcp: ref.mcp, selector: ref.selector },
          { headers: workspaceHeaders(workspace) },
        ),
      );
      const m = res.mcp;
      const v = res.version;
      if (!m || !v?.config) throw new NotFoundError("mcp", ref.mcp.value ?? "");
      return {
        id: m.id,
        name: m.name,
        version: v.version,
        type: v.type,
        config: v.config,
        description: m.description,
        ...(v.inputSchema ? { inputSchema: v.inputSchema } : {}),
      };
    } catch (err) {
      if (stepId !== undefined && err instanceof ConnectError && err.code === Code.NotFound) {
        throw new FailedPreconditionError(`step "${stepId}": ${err.rawMessage}`, "MCP_NOT_RESOLVED", {
          step: stepId,
        });
      }
      throw err;
    }
  }
}

/** Where a pinned MCP version is cached: per workspace, so an id of another workspace never hits. */
const mcpVersionKey = (workspace: string, id: string, version: number) =>
  `exec:mcp:${workspace}:${id}:${version}`;

const workflowKey = (ref: WorkflowReference) =>
  `${ref.workflow.case}:${ref.workflow.value}@${ref.version ?? ""}`;

/** The same string for references that name the same thing the same way. */
export const mcpKey = (ref: McpReference) =>
  `${ref.mcp.case}:${ref.mcp.value}@${ref.selector.case}:${ref.selector.value}`;

function toCached(mcp: PinnedMcp): CachedMcp {
  return { ...mcp, config: toJson(McpConfigSchema, mcp.config) as PbJsonObject };
}

/** Codes another service answers for a wrong reference; they pass through unchanged. */
const CALLER_ERRORS = new Set([Code.NotFound, Code.InvalidArgument, Code.FailedPrecondition]);

/** Another service's answer: a wrong reference passes through as is; transport trouble becomes UNAVAILABLE. */
async function call<T>(service: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = ConnectError.from(err);
    if (CALLER_ERRORS.has(e.code)) throw e;
    throw new UnavailableError(service, e.rawMessage, { cause: e });
  }
}
