import { fromStoredJson, toStoredJson } from "@mcp/catalog";
import { WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import { contentHash, type JsonObject } from "@mcp/versioning";

/** The stored JSON form of a spec (Protobuf JSON, proto field names). */
export function specToJson(spec: WorkflowSpec): JsonObject {
  return toStoredJson(WorkflowSpecSchema, spec);
}

/** A spec read back from storage. */
export function specFromJson(json: unknown): WorkflowSpec {
  return fromStoredJson(WorkflowSpecSchema, json);
}

/** SHA-256 (hex) of a spec's canonical JSON. */
export function hashSpec(json: JsonObject): string {
  return contentHash(json);
}

/** Every MCP a spec refers to, as `id:<uuid>` / `name:<lower-case name>` (the `mcp_refs` column). */
export function mcpRefsOf(spec: WorkflowSpec): string[] {
  const refs = new Set<string>();
  for (const step of spec.steps) {
    const mcp = step.mcp?.mcp;
    if (mcp?.case === "id") refs.add(`id:${mcp.value.toLowerCase()}`);
    if (mcp?.case === "name") refs.add(`name:${mcp.value.toLowerCase()}`);
  }
  return [...refs].sort();
}
