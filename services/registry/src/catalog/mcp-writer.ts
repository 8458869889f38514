import { randomUUID } from "node:crypto";
import type { JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import { CATALOG_GENERATION_KEY, type Cache } from "@mcp/coordination";
import {
  uniqueViolation,
  type McpDefinitionEntity,
  type McpQueries,
  type McpStore,
  type McpTransaction,
  type McpVersionEntity,
} from "@mcp/db";
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from "@mcp/errors";
import { McpType, type McpConfig } from "@mcp/proto/registry";
import { requireScope, type CallInfo } from "@mcp/runtime";
import { adminNeededFor, mcpTypeOf, validateMcpConfig, withDefaults } from "../mcp-types/index.js";
import {
  checkToolOffered,
  takeToolSnapshot,
  unprobed,
  type StoredToolSnapshot,
  type ToolProbe,
} from "../tools/index.js";
import { cacheKeys } from "./cache-keys.js";
import { hashContent, versionContent } from "./content.js";
import { checkEtag } from "@mcp/versioning";
import type { McpKey } from "./mcp-reader.js";
import { typeName } from "./types.js";

/** Who is writing: the calling API key's scopes (undefined when API keys are off). */
export type Caller = Pick<CallInfo, "scopes" | "principal"> | undefined;

/** Requires the `admin` scope of `caller` when a version with `config` may reach the network or receives secrets. */
function requirePrivilegeFor(config: McpConfig, caller: Caller): void {
  const reason = adminNeededFor(config);
  if (reason !== undefined) requireScope(caller, "admin", reason);
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

/** Result of a write: the definition after it and the version it concerns. */
export interface Written {
  readonly def: McpDefinitionEntity;
  readonly version: McpVersionEntity;
  readonly versionCreated: boolean;
}

/**
 * The registry's write rules: names unique among live MCPs, immutable versions with content
 * hashes, version numbers never reused, etags, soft deletes guarded by workflow usage. A new
 * `mcp_tool` version carries a snapshot of its server's tools, taken through the ToolProbe before the
 * transaction opens (a slow server never holds row locks); a `tool_name` the server does not offer is
 * INVALID_ARGUMENT, an unreachable server is written anyway with the snapshot error as its flag.
 */
export class McpWriter {
  constructor(
    private readonly store: McpStore,
    private readonly queries: McpQueries,
    private readonly cache: Cache,
    private readonly probe: ToolProbe,
  ) {}

  async create(input: NewMcp, caller: Caller): Promise<Written> {
    const config = withDefaults(input.config);
    requirePrivilegeFor(config, caller);
    const snapshot = await takeToolSnapshot(this.probe, config);
    if (config.kind.case === "mcpTool") checkToolOffered(config.kind.value, snapshot);
    const content = versionContent(config, input.inputSchema, input.outputSchema);
    const nameKey = input.name.toLowerCase();
    const now = new Date();
    try {
      const written = await this.store.transaction(async (tx) => {
        if (await tx.lockLiveByName(nameKey))
          throw new AlreadyExistsError("mcp", input.name, "names are unique, ignoring case");
        const number = await tx.nextVersion(nameKey);
        const def: McpDefinitionEntity = {
          id: randomUUID(),
          name: input.name,
          nameKey,
          type: typeName(mcpTypeOf(config)),
          description: input.description,
          tags: [...input.tags],
          latestVersion: number,
          labels: { latest: number },
          rowVersion: 1,
          createdAt: now,
          updatedAt: now,
          deletedAt: null,
        };
        await tx.insertDefinition(def);
        const version = newVersion(def, number, content, input.changeNote, now, snapshot);
        await tx.insertVersion(version);
        return { def, version, versionCreated: true };
      });
      await this.invalidate(written.def);
      return written;
    } catch (err) {
      if (uniqueViolation(err) === "mcp_definitions_live_name_key") {
        throw new AlreadyExistsError("mcp", input.name, "names are unique, ignoring case");
      }
      throw err;
    }
  }

  async update(key: McpKey, etag: string, change: McpChange, caller: Caller): Promise<Written> {
    const probed = change.content ? await this.probeNewContent(key, etag, change.content, caller) : undefined;
    const written = await this.store.transaction(async (tx) => {
      const def = await lockLive(tx, key);
      checkEtag("mcp", def.name, etag, def.rowVersion);
      const now = new Date();
      const latest = await tx.findVersion(def.id, def.latestVersion);
      if (!latest) throw new Error(`mcp ${def.id} has no row for its latest version ${def.latestVersion}`);
      let version = latest;
      let versionCreated = false;
      if (change.content) {
        const next = change.content(latest);
        const kind = mcpTypeOf(next.config);
        if (kind === McpType.UNSPECIFIED)
          throw InvalidArgumentError.field("config", "one config kind is required");
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
        if (hash !== latest.contentHash) {
          requirePrivilegeFor(config, caller);
          const snapshot = snapshotFor(config, hash, probed);
          if (config.kind.case === "mcpTool") checkToolOffered(config.kind.value, snapshot);
          const number = await tx.nextVersion(def.nameKey);
          version = newVersion(def, number, content, next.changeNote, now, snapshot);
          await tx.insertVersion(version);
          def.latestVersion = number;
          def.labels = { ...def.labels, latest: number };
          versionCreated = true;
        }
      }
      if (change.description !== undefined) def.description = change.description;
      if (change.tags !== undefined) def.tags = [...change.tags];
      def.updatedAt = now;
      await tx.saveDefinition(def);
      return { def, version, versionCreated };
    });
    await this.invalidate(written.def);
    return written;
  }

  /**
   * Before an update's transaction: when it would write a new `mcp_tool` version, probes the new
   * config's server. Reads without locks; the transaction re-derives the content and uses the probe
   * only if it wrote the same content (see snapshotFor). Problems the transaction reports itself
   * (missing MCP, invalid config) just skip the probe; a stale etag fails here, before any probe.
   */
  private async probeNewContent(
    key: McpKey,
    etag: string,
    content: NonNullable<McpChange["content"]>,
    caller: Caller,
  ): Promise<ProbedContent | undefined> {
    const def =
      key.case === "id"
        ? await this.queries.findById(key.value)
        : key.case === "name"
          ? await this.queries.findLiveByName(key.value.toLowerCase())
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
  async delete(key: McpKey, etag: string, force: boolean): Promise<McpDefinitionEntity> {
    const def = await this.store.transaction(async (tx) => {
      const row = await lockLive(tx, key);
      checkEtag("mcp", row.name, etag, row.rowVersion);
      if (!force) {
        const users = await this.queries.workflowsUsing(row.id, row.nameKey);
        if (users.length > 0) {
          throw new FailedPreconditionError(
            `mcp "${row.name}" is used by workflow${users.length > 1 ? "s" : ""} ${users.map((u) => `"${u}"`).join(", ")}; update them first or delete with force`,
            "MCP_IN_USE",
            { mcp: row.name, workflows: users.join(",") },
          );
        }
      }
      row.deletedAt = new Date();
      row.updatedAt = row.deletedAt;
      return tx.saveDefinition(row);
    });
    await this.invalidate(def);
    return def;
  }

  /** Drops the cached "current pointers" of `def` after a committed write. */
  async invalidate(def: McpDefinitionEntity, ...versions: number[]): Promise<void> {
    await this.cache.delete(
      cacheKeys.byId(def.id),
      cacheKeys.byName(def.nameKey),
      ...versions.map((v) => cacheKeys.version(def.id, v)),
      CATALOG_GENERATION_KEY, // executors' resolutions of names and labels (CatalogMemo)
    );
  }
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

/** The live MCP a write names, locked; NOT_FOUND when missing or deleted. */
export async function lockLive(tx: McpTransaction, key: McpKey): Promise<McpDefinitionEntity> {
  if (key.case === undefined) throw InvalidArgumentError.field("mcp", "id or name is required");
  const def =
    key.case === "id" ? await tx.lockById(key.value) : await tx.lockLiveByName(key.value.toLowerCase());
  if (!def || def.deletedAt)
    throw new NotFoundError("mcp", key.value, def?.deletedAt ? "it was deleted" : undefined);
  return def;
}

function newVersion(
  def: McpDefinitionEntity,
  number: number,
  content: ReturnType<typeof versionContent>,
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
