import { create, fromJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import { decodePageToken, encodePageToken, pageSize, toPage, type McpQueries, type Page } from "@mcp/db";
import { InvalidArgumentError } from "@mcp/errors";
import {
  ChangeKind,
  ConfigChangeSchema,
  GetMcpStatsResponseSchema,
  McpType,
  type ConfigChange,
  type GetMcpStatsResponse,
  type LabelMove,
  type ListMcpsRequest,
  type Mcp,
  type McpVersion,
} from "@mcp/proto/registry";
import { diffJson, type JsonValue } from "@mcp/versioning";
import type { VersionContent } from "./content.js";
import { toLabelMove, toMcp, toMcpVersion } from "./mapping.js";
import type { McpReader, McpKey } from "./mcp-reader.js";
import { typeName } from "./types.js";

/** Browsing the catalogue: keyset-paginated lists, version diffs and counts. */
export class McpListing {
  constructor(
    private readonly queries: McpQueries,
    private readonly reader: McpReader,
  ) {}

  async list(req: ListMcpsRequest): Promise<Page<Mcp>> {
    const filter = {
      type: req.filter && req.filter.type !== McpType.UNSPECIFIED ? typeName(req.filter.type) : undefined,
      tag: req.filter?.tag || undefined,
      text: req.filter?.text || undefined,
      showDeleted: req.showDeleted,
    };
    const limit = pageSize(req.pageSize);
    const after = decodePageToken(req.pageToken, filter);
    const rows = await this.queries.list(
      filter,
      after ? [String(after[0]), String(after[1])] : undefined,
      limit + 1,
    );
    return toPage(rows, limit, (last) => encodePageToken([last.nameKey, last.id], filter), toMcp);
  }

  async versions(key: McpKey, size: number, token: string): Promise<Page<McpVersion>> {
    const def = await this.reader.definition(key);
    const limit = pageSize(size);
    const before = decodePageToken(token, { mcp: def.id });
    const rows = await this.queries.listVersions(def.id, before ? Number(before[0]) : undefined, limit + 1);
    return toPage(
      rows,
      limit,
      (last) => encodePageToken([last.version], { mcp: def.id }),
      (row) => toMcpVersion(row, def),
    );
  }

  async labelMoves(key: McpKey, label: string, size: number, token: string): Promise<Page<LabelMove>> {
    const def = await this.reader.definition(key);
    const limit = pageSize(size);
    const scope = { mcp: def.id, label };
    const before = decodePageToken(token, scope);
    const rows = await this.queries.listLabelMoves(
      def.id,
      label || undefined,
      before ? String(before[0]) : undefined,
      limit + 1,
    );
    return toPage(rows, limit, (last) => encodePageToken([last.id], scope), toLabelMove);
  }

  /** What changed between two versions' content, path by path. */
  async diff(
    key: McpKey,
    from: number,
    to: number,
  ): Promise<{ changes: ConfigChange[]; fromHash: string; toHash: string }> {
    if (from === to) throw InvalidArgumentError.field("to_version", "must differ from from_version");
    const def = await this.reader.definition(key);
    const [a, b] = await Promise.all([this.reader.version(def, from), this.reader.version(def, to)]);
    const content = (v: typeof a): VersionContent => ({
      config: v.config,
      input_schema: v.inputSchema,
      output_schema: v.outputSchema,
    });
    const changes = diffJson(content(a) as unknown as JsonValue, content(b) as unknown as JsonValue).map(
      (c) =>
        create(ConfigChangeSchema, {
          path: c.path,
          kind:
            c.kind === "added"
              ? ChangeKind.ADDED
              : c.kind === "removed"
                ? ChangeKind.REMOVED
                : ChangeKind.MODIFIED,
          oldValue: c.oldValue === undefined ? undefined : fromJson(ValueSchema, c.oldValue),
          newValue: c.newValue === undefined ? undefined : fromJson(ValueSchema, c.newValue),
        }),
    );
    return { changes, fromHash: a.contentHash, toHash: b.contentHash };
  }

  async stats(): Promise<GetMcpStatsResponse> {
    const s = await this.queries.stats();
    return create(GetMcpStatsResponseSchema, {
      totalMcps: BigInt(s.totalMcps),
      byType: Object.fromEntries(Object.entries(s.byType).map(([k, v]) => [k, BigInt(v)])),
      byModel: Object.fromEntries(Object.entries(s.byModel).map(([k, v]) => [k, BigInt(v)])),
      totalVersions: BigInt(s.totalVersions),
      deprecatedVersions: BigInt(s.deprecatedVersions),
    });
  }
}
