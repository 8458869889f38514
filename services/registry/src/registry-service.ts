import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  CreateMcpResponseSchema,
  DeleteMcpLabelResponseSchema,
  DeleteMcpResponseSchema,
  DeprecateMcpVersionResponseSchema,
  DiffMcpVersionsResponseSchema,
  GetMcpResponseSchema,
  GetMcpVersionResponseSchema,
  ListMcpLabelMovesResponseSchema,
  ListMcpsResponseSchema,
  ListMcpVersionsResponseSchema,
  SetMcpLabelResponseSchema,
  UndeprecateMcpVersionResponseSchema,
  UpdateMcpResponseSchema,
  type RegistryService,
} from "@mcp/proto/registry";
import { callInfoKey, callWorkspace } from "@mcp/runtime";
import type { LabelWriter } from "./catalog/label-writer.js";
import type { McpListing } from "./catalog/listing.js";
import { toLabelMove, toMcp, toMcpVersion } from "./catalog/mapping.js";
import type { McpReader } from "./catalog/mcp-catalog.js";
import type { McpWriter } from "./catalog/mcp-writer.js";
import { changeFromRequest } from "./catalog/update-mask.js";
import { selectVersion } from "./catalog/version-selector.js";

/** The catalogue modules the RPC handlers delegate to. */
export interface RegistryDeps {
  readonly reader: McpReader;
  readonly writer: McpWriter;
  readonly labels: LabelWriter;
  readonly listing: McpListing;
}

const principal = (ctx: HandlerContext) => ctx.values.get(callInfoKey)?.principal ?? "";
const caller = (ctx: HandlerContext) => ctx.values.get(callInfoKey);
/** RegistryService over the catalogue. Requests arrive validated; handlers only translate. */
export function registryService(deps: RegistryDeps): ServiceImpl<typeof RegistryService> {
  const { reader, writer, labels, listing } = deps;
  return {
    async createMcp(req, ctx) {
      const { def, version } = await writer.create(
        callWorkspace(ctx),
        {
          name: req.name,
          description: req.description,
          tags: req.tags,
          config: req.config!,
          inputSchema: req.inputSchema,
          outputSchema: req.outputSchema,
          changeNote: req.changeNote,
        },
        caller(ctx),
      );
      return create(CreateMcpResponseSchema, { mcp: toMcp(def), version: toMcpVersion(version, def) });
    },

    async getMcp(req, ctx) {
      const def = await reader.definition(callWorkspace(ctx), req.mcp);
      const version = await reader.version(def, selectVersion(def, req.selector));
      const latest =
        version.version === def.latestVersion ? version : await reader.version(def, def.latestVersion);
      const mcp = toMcp(def);
      mcp.deprecated = latest.deprecated;
      return create(GetMcpResponseSchema, { mcp, version: toMcpVersion(version, def) });
    },

    async listMcps(req, ctx) {
      const page = await listing.list(callWorkspace(ctx), req);
      return create(ListMcpsResponseSchema, {
        mcps: page.items,
        nextPageToken: page.nextPageToken,
        facets: page.facets,
      });
    },

    async updateMcp(req, ctx) {
      const { def, version, versionCreated } = await writer.update(
        callWorkspace(ctx),
        req.mcp,
        req.etag,
        changeFromRequest(req),
        caller(ctx),
      );
      return create(UpdateMcpResponseSchema, {
        mcp: toMcp(def),
        version: toMcpVersion(version, def),
        versionCreated,
      });
    },

    async deleteMcp(req, ctx) {
      const def = await writer.delete(callWorkspace(ctx), req.mcp, req.etag, req.force);
      return create(DeleteMcpResponseSchema, { mcp: toMcp(def) });
    },

    async listMcpVersions(req, ctx) {
      const page = await listing.versions(callWorkspace(ctx), req.mcp, req.pageSize, req.pageToken);
      return create(ListMcpVersionsResponseSchema, {
        versions: page.items,
        nextPageToken: page.nextPageToken,
      });
    },

    async getMcpVersion(req, ctx) {
      const def = await reader.definition(callWorkspace(ctx), req.mcp);
      const version = await reader.version(def, selectVersion(def, req.selector));
      return create(GetMcpVersionResponseSchema, { version: toMcpVersion(version, def) });
    },

    async diffMcpVersions(req, ctx) {
      const diff = await listing.diff(callWorkspace(ctx), req.mcp, req.fromVersion, req.toVersion);
      return create(DiffMcpVersionsResponseSchema, {
        changes: diff.changes,
        fromContentHash: diff.fromHash,
        toContentHash: diff.toHash,
      });
    },

    async setMcpLabel(req, ctx) {
      const { def, move } = await labels.set(callWorkspace(ctx), req.mcp, req.label, req.version, {
        by: principal(ctx),
        reason: req.reason,
      });
      return create(SetMcpLabelResponseSchema, { mcp: toMcp(def), move: toLabelMove(move) });
    },

    async deleteMcpLabel(req, ctx) {
      const { def, move } = await labels.remove(callWorkspace(ctx), req.mcp, req.label, {
        by: principal(ctx),
        reason: req.reason,
      });
      return create(DeleteMcpLabelResponseSchema, { mcp: toMcp(def), move: toLabelMove(move) });
    },

    async listMcpLabelMoves(req, ctx) {
      const page = await listing.labelMoves(
        callWorkspace(ctx),
        req.mcp,
        req.label,
        req.pageSize,
        req.pageToken,
      );
      return create(ListMcpLabelMovesResponseSchema, {
        moves: page.items,
        nextPageToken: page.nextPageToken,
      });
    },

    async deprecateMcpVersion(req, ctx) {
      const { def, version } = await labels.deprecate(callWorkspace(ctx), req.mcp, req.version, req.message);
      return create(DeprecateMcpVersionResponseSchema, { version: toMcpVersion(version, def) });
    },

    async undeprecateMcpVersion(req, ctx) {
      const { def, version } = await labels.deprecate(callWorkspace(ctx), req.mcp, req.version, undefined);
      return create(UndeprecateMcpVersionResponseSchema, { version: toMcpVersion(version, def) });
    },

    async getMcpStats(_req, ctx) {
      return listing.stats(callWorkspace(ctx));
    },
  };
}
