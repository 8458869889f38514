import { fromJson, toJson, type JsonObject as PbJsonObject } from "@bufbuild/protobuf";
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
  return toJson(McpConfigSchema, config, { useProtoFieldName: true }) as JsonObject;
}

/** A config read back from storage. */
export function configFromJson(json: unknown): McpConfig {
  return fromJson(McpConfigSchema, json as PbJsonObject);
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

/** SHA-256 (hex) of the canonical JSON of a version's content. */
export function hashContent(content: VersionContent): string {
  return contentHash(content as unknown as JsonValue);
}
