import { createHash } from "node:crypto";
import type { JsonValue } from "@bufbuild/protobuf";

/** JSON: protobuf-es's JSON type, the one of the whole code base. */
export type { JsonObject, JsonValue } from "@bufbuild/protobuf";

/**
 * Serialises a JSON value with object keys sorted at every level, so that two equal values
 * always give the same string whatever order their keys were written in.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map(canonicalJson).join(",")}]`;
  }
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k] as JsonValue)}`).join(",")}}`;
}

/** The SHA-256 (hex) of a value's canonical JSON: the content hash of an immutable version. */
export function contentHash(value: JsonValue): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}
