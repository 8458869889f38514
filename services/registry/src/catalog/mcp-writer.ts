import type { JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import { nameKeyOf, type CatalogKey, type ContentDraft, type Written } from "@mcp/catalog";
import type { McpDefinitionEntity, McpQueries, McpVersionEntity } from "@mcp/db";
import { FailedPreconditionError, InvalidArgumentError } from "@mcp/errors";
import { adminNeededFor, mcpTypeOf, validateMcpConfig, withDefaults } from "@mcp/mcp-types";
import { McpType, type McpConfig } from "@mcp/proto/registry";
import { requireRole, type CallInfo } from "@mcp/runtime";
import { checkEtag } from "@mcp/versioning";
import {
  checkToolOffered,
  takeToolSnapshot,
  unprobed,
  type StoredToolSnapshot,
  type ToolProbe,
} from "../tools/index.js";
import { hashContent, versionContent, type VersionContent } from "./content.js";
import type { McpCatalogWriter } from "./mcp-catalog.js";
import { typeName } from "./types.js";

/** Who is writing: the call's caller and role (undefined when authentication is off). */
export type Caller = Pick<CallInfo, "caller" | "role" | "workspace" | "principal"> | undefined;

/** Requires the `admin` role of `caller` when a version with `config` may reach the network or receives secrets. */
function requirePrivilegeFor(config: McpConfig, caller: Caller): void {
  const reason = adminNeededFor(config);
  if (reason !== undefined) requireRole(caller, "admin", reason);
}

/** What CreateMcp writes. Inputs are already validated by the request validator. */
export interface NewMcp {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly config: McpConfig;
  readonly inputSchema: PbJsonObject | undefined;
  readonly outputSchema: PbJsonObject | undefined;
  readonly changeNote: string;
}

/** The content half of an update, already merged with the current version. */
export interface ContentChange {
  readonly config: McpConfig;
  readonly inputSchema: PbJsonObject | undefined;
  readonly outputSchema: PbJsonObject | undefined;
  readonly changeNote: string;
}

/** What UpdateMcp changes; unset fields stay. */
export interface McpChange {
  readonly description?: string;
  readonly tags?: readonly string[];
  /** Builds the new content from the current version; undefined = content unchanged. */
  readonly content?: (current: McpVersionEntity) => ContentChange;
}

/** A tool snapshot taken for the content an update is about to write (see McpWriter.update). */
interface ProbedContent {
  readonly contentHash: string;
  readonly snapshot: StoredToolSnapshot;
}

export type McpWritten = Written<McpDefinitionEntity, McpVersionEntity>;

/**
 * The registry's content rules on top of the catalogue kernel (names, numbering, etags, soft deletes,
 * cache: @mcp/catalog): a version's content is its config (with defaults) and schemas; an MCP's type
 * never changes; privileged configs need the `admin` role; a delete is refused while a workflow uses
 * the MCP. A new `mcp_tool` version carries a snapshot of its server's tools, taken through the
 * ToolProbe before the transaction opens (a slow server never holds row locks); a `tool_name` the
 * server does not offer is INVALID_ARGUMENT, an unreachable server is written anyway with the snapshot
 * error as its flag.
 */
export class McpWriter {
  constructor(
    private readonly writer: McpCatalogWriter,
    private readonly queries: McpQueries,
    private readonly probe: ToolProbe,
  ) {}

  /** Registers `input` in `workspace` (names are unique per workspace). */
  async create(workspace: string, input: NewMcp, caller: Caller): Promise<McpWritten> {
    const config = withDefaults(input.config);
    requirePrivilegeFor(config, caller);
    const snapshot = await takeToolSnapshot(this.probe, config);
    if (config.kind.case === "mcpTool") checkToolOffered(config.kind.value, snapshot);
    const content = versionContent(config, input.inputSchema, input.outputSchema);
    return this.writer.create(workspace, input, (base, number, now) => {
      const def: McpDefinitionEntity = {
        ...base,
        type: typeName(mcpTypeOf(config)),
        labels: { latest: number },
      };
      return { def, version: newVersion(def, number, content, input.changeNote, now, snapshot) };
    });
  }

  async update(
    workspace: string,
    key: CatalogKey,
    etag: string,
    change: McpChange,
    caller: Caller,
  ): Promise<McpWritten> {
    const content = change.content;
    const probed = content ? await this.probeNewContent(workspace, key, etag, content, caller) : undefined;
    return this.writer.update(workspace, key, etag, {
      description: change.description,
      tags: change.tags,
      content: content && ((latest, def) => draft(def, content(latest), caller, probed)),
    });
  }

  /**
   * Before an update's transaction: when it would write a new `mcp_tool` version, probes the new
   * config's server. Reads without locks; the transaction re-derives the content and uses the probe
   * only if it wrote the same content (see snapshotFor). Problems the transaction reports itself
   * (missing MCP, invalid config) just skip the probe; a stale etag fails here, before any probe.
   */
  private async probeNewContent(
    workspace: string,
    key: CatalogKey,
    etag: string,
    content: NonNullable<McpChange["content"]>,
    caller: Caller,
  ): Promise<ProbedContent | undefined> {
    const def =
      key.case === "id"
        ? await this.queries.findById(workspace, key.value)
        : key.case === "name"
          ? await this.queries.findLiveByName(workspace, nameKeyOf(key.value))
          : null;
    if (!def || def.deletedAt) return undefined;
    checkEtag("mcp", def.name, etag, def.rowVersion);
    const latest = await this.queries.findVersion(def.id, def.latestVersion);
    if (!latest) return undefined;
    const next = content(latest);
    if (next.config.kind.case !== "mcpTool" || validateMcpConfig(next.config).length > 0) return undefined;
    const config = withDefaults(next.config);
    requirePrivilegeFor(config, caller); // before the probe starts the new version's server
    const contentHash = hashContent(versionContent(config, next.inputSchema, next.outputSchema));
    if (contentHash === latest.contentHash) return undefined;
    const snapshot = await takeToolSnapshot(this.probe, config);
    return snapshot ? { contentHash, snapshot } : undefined;
  }

  /** Soft-deletes; FAILED_PRECONDITION while a workflow's current version uses the MCP, unless forced. */
  delete(workspace: string, key: CatalogKey, etag: string, force: boolean): Promise<McpDefinitionEntity> {
    return this.writer.delete(workspace, key, etag, force ? undefined : (row) => this.refuseWhileUsed(row));
  }

  private async refuseWhileUsed(row: McpDefinitionEntity): Promise<void> {
    const users = await this.queries.workflowsUsing(row.workspace, row.id, row.nameKey);
    if (users.length === 0) return;
    throw new FailedPreconditionError(
      `mcp "${row.name}" is used by workflow${users.length > 1 ? "s" : ""} ${users.map((u) => `"${u}"`).join(", ")}; update them first or delete with force`,
      "MCP_IN_USE",
      { mcp: row.name, workflows: users.join(",") },
    );
  }
}

/**
 * The version an update proposes (inside its transaction, after the lock and the etag): the config
 * must keep the MCP's type and pass its type's rules; a new version (new hash) also needs the
 * privilege its config asks for and, for an `mcp_tool`, a server offering the tool.
 */
function draft(
  def: McpDefinitionEntity,
  next: ContentChange,
  caller: Caller,
  probed: ProbedContent | undefined,
): ContentDraft<McpVersionEntity> {
  const kind = mcpTypeOf(next.config);
  if (kind === McpType.UNSPECIFIED) throw InvalidArgumentError.field("config", "one config kind is required");
  if (typeName(kind) !== def.type) {
    throw InvalidArgumentError.field(
      "config",
      `is a ${typeName(kind)} config but "${def.name}" is a ${def.type}; an MCP's type never changes`,
    );
  }
  const violations = validateMcpConfig(next.config);
  if (violations.length > 0) throw new InvalidArgumentError(violations);
  const config = withDefaults(next.config);
  const content = versionContent(config, next.inputSchema, next.outputSchema);
  const hash = hashContent(content);
  return {
    contentHash: hash,
    version: (number, now) => {
      requirePrivilegeFor(config, caller);
      const snapshot = snapshotFor(config, hash, probed);
      if (config.kind.case === "mcpTool") checkToolOffered(config.kind.value, snapshot);
      return newVersion(def, number, content, next.changeNote, now, snapshot);
    },
  };
}

/**
 * The snapshot a new version with content `hash` stores: the probe taken for exactly that content, or
 * (an `mcp_tool` whose content changed concurrently while its server was probed) an error saying so.
 */
function snapshotFor(
  config: McpConfig,
  hash: string,
  probed: ProbedContent | undefined,
): StoredToolSnapshot | null {
  if (config.kind.case !== "mcpTool") return null;
  if (probed?.contentHash === hash) return probed.snapshot;
  return unprobed(
    "not probed: the MCP changed while its server was being probed; update it again to take a snapshot",
  );
}

function newVersion(
  def: McpDefinitionEntity,
  number: number,
  content: VersionContent,
  changeNote: string,
  now: Date,
  toolSnapshot: StoredToolSnapshot | null,
): McpVersionEntity {
  return {
    mcpId: def.id,
    version: number,
    type: def.type,
    config: content.config,
    inputSchema: content.input_schema,
    outputSchema: content.output_schema,
    contentHash: hashContent(content),
    changeNote,
    toolSnapshot,
    createdAt: now,
    deprecated: false,
    deprecationMessage: "",
    deprecatedAt: null,
  };
}
