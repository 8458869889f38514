import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { definitionMessage, versionMessage } from "@mcp/catalog";
import type { McpDefinitionEntity, McpLabelMoveEntity, McpVersionEntity } from "@mcp/db";
import {
  LabelMoveSchema,
  McpSchema,
  McpVersionSchema,
  type LabelMove,
  type Mcp,
  type McpVersion,
} from "@mcp/proto/registry";
import { toolSnapshotFields } from "../tools/index.js";
import { configFromJson } from "./content.js";
import { typeFromName } from "./types.js";

/** The API form of a definition. */
export function toMcp(def: McpDefinitionEntity): Mcp {
  return definitionMessage(McpSchema, def, {
    type: typeFromName(def.type),
    labels: { ...def.labels },
  });
}

/** Labels of `def` that point at `version`, sorted. */
export function labelsAt(def: McpDefinitionEntity, version: number): string[] {
  return Object.entries(def.labels)
    .filter(([, v]) => v === version)
    .map(([label]) => label)
    .sort();
}

/** The API form of a version; `def` supplies the name and the labels pointing at it. */
export function toMcpVersion(row: McpVersionEntity, def: McpDefinitionEntity): McpVersion {
  return versionMessage(McpVersionSchema, row, {
    mcpId: row.mcpId,
    mcpName: def.name,
    type: typeFromName(row.type),
    config: configFromJson(row.config),
    inputSchema: row.inputSchema ?? undefined,
    outputSchema: row.outputSchema ?? undefined,
    deprecated: row.deprecated,
    deprecationMessage: row.deprecationMessage,
    deprecateTime: row.deprecatedAt ? timestampFromDate(row.deprecatedAt) : undefined,
    labels: labelsAt(def, row.version),
    ...toolSnapshotFields(row),
  });
}

/** The API form of a recorded label move. */
export function toLabelMove(row: Omit<McpLabelMoveEntity, "mcp">): LabelMove {
  return create(LabelMoveSchema, {
    label: row.label,
    fromVersion: row.fromVersion ?? undefined,
    toVersion: row.toVersion ?? undefined,
    moveTime: timestampFromDate(row.movedAt),
    movedBy: row.movedBy,
    reason: row.reason,
  });
}
