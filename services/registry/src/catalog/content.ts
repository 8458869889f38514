import type { JsonObject as PbJsonObject } from "@bufbuild/protobuf";
import { fromStoredJson, toStoredJson } from "@mcp/catalog";
import type { McpVersionEntity } from "@mcp/db";
import { McpConfigSchema, type McpConfig } from "@mcp/proto/registry";
import { contentHash, type JsonObject, type JsonValue } from "@mcp/versioning";

/** The content of a version: what its hash covers and what DiffMcpVersions compares. */
export interface VersionContent {
  /** The config in Protobuf JSON with proto field names (`llm_prompt.max_tokens`). */
  readonly config: JsonObject;
  readonly input_schema: JsonObject | null;
  readonly output_schema: JsonObject | null;
}

/** The stored JSON form of a config. */
export function configToJson(config: McpConfig): JsonObject {
  return toStoredJson(McpConfigSchema, config);
}

/** A config read back from storage. */
export function configFromJson(json: unknown): McpConfig {
  return fromStoredJson(McpConfigSchema, json);
}

export function versionContent(
  config: McpConfig,
  inputSchema: PbJsonObject | undefined,
  outputSchema: PbJsonObject | undefined,
): VersionContent {
  return {
    config: configToJson(config),
    input_schema: inputSchema ?? null,
    output_schema: outputSchema ?? null,
  };
}

/** The content of a stored version. */
export function storedContent(row: McpVersionEntity): VersionContent {
  return { config: row.config, input_schema: row.inputSchema, output_schema: row.outputSchema };
}

/** SHA-256 (hex) of the canonical JSON of a version's content. */
export function hashContent(content: VersionContent): string {
  return contentHash(content as unknown as JsonValue);
}
