import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { McpVersionEntity } from "@mcp/db";
import { InvalidArgumentError, errorMessage } from "@mcp/errors";
import {
  ToolSnapshotSchema,
  type McpConfig,
  type McpToolConfig,
  type ToolSnapshot,
} from "@mcp/proto/registry";
import type { JsonObject } from "@mcp/versioning";
import type { ToolProbe } from "./tool-probe.js";

/**
 * What `mcp_versions.tool_snapshot` holds for an `mcp_tool` version: the tools its server listed, or
 * why it could not be listed (the flag). Null for other types (and for versions written before
 * snapshots existed).
 */
export type StoredToolSnapshot =
  | {
      readonly taken_at: string;
      readonly tools: { name: string; description: string; input_schema: JsonObject }[];
    }
  | { readonly attempted_at: string; readonly error: string };

/** The field path the tool-name check reports. */
export const TOOL_NAME_FIELD = "config.mcp_tool.tool_name";

/**
 * Probes the server of an `mcp_tool` config (call it OUTSIDE any database transaction: it waits on
 * the network). Never rejects: a failed probe becomes a stored `error`. Null for other config kinds.
 */
export async function takeToolSnapshot(
  probe: ToolProbe,
  config: McpConfig,
  now: () => Date = () => new Date(),
): Promise<StoredToolSnapshot | null> {
  if (config.kind.case !== "mcpTool") return null;
  try {
    const tools = await probe.listTools(config.kind.value);
    return {
      taken_at: now().toISOString(),
      tools: tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema })),
    };
  } catch (error) {
    return {
      attempted_at: now().toISOString(),
      error: errorMessage(error),
    };
  }
}

/** A snapshot for a version whose probe result could not be used, saying why. */
export function unprobed(reason: string, now: Date = new Date()): StoredToolSnapshot {
  return { attempted_at: now.toISOString(), error: reason };
}

/**
 * INVALID_ARGUMENT on `config.mcp_tool.tool_name` when the snapshot lists tools and the config's tool
 * is not among them (the message lists the tools on offer). Passes when there is no snapshot or it
 * lists no tools: nothing to check against.
 */
export function checkToolOffered(config: McpToolConfig, snapshot: StoredToolSnapshot | null): void {
  if (snapshot === null || !("tools" in snapshot) || snapshot.tools.length === 0) return;
  const names = snapshot.tools.map((t) => t.name);
  if (names.includes(config.toolName)) return;
  throw new InvalidArgumentError(
    [
      {
        field: TOOL_NAME_FIELD,
        description: `the server offers no tool "${config.toolName}"; it offers ${names.map((n) => `"${n}"`).join(", ")}`,
      },
    ],
    { offered_tools: names.join(",") },
  );
}

/** The McpVersion fields for a stored snapshot: `tool_snapshot` and `tool_snapshot_error`. */
export function toolSnapshotFields(row: Pick<McpVersionEntity, "type" | "toolSnapshot">): {
  toolSnapshot?: ToolSnapshot;
  toolSnapshotError: string;
} {
  const stored = row.toolSnapshot as StoredToolSnapshot | null;
  if (stored === null) {
    return {
      toolSnapshotError:
        row.type === "mcp_tool" ? "not probed: written before tool snapshots were taken" : "",
    };
  }
  if ("error" in stored) return { toolSnapshotError: stored.error };
  return {
    toolSnapshot: create(ToolSnapshotSchema, {
      takenTime: timestampFromDate(new Date(stored.taken_at)),
      tools: stored.tools.map((t) => ({
        name: t.name,
        description: t.description,
        inputSchema: t.input_schema,
      })),
    }),
    toolSnapshotError: "",
  };
}
