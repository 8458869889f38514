import { fromJson, toJson, type DescMessage, type JsonObject, type MessageShape } from "@bufbuild/protobuf";

/**
 * A message as stored in a version's jsonb column and hashed: Protobuf JSON with proto field names
 * (`llm_prompt.max_tokens`), so the stored form reads like the .proto and hashes stay stable.
 */
export function toStoredJson<Desc extends DescMessage>(
  schema: Desc,
  message: MessageShape<Desc>,
): JsonObject {
  return toJson(schema, message, { useProtoFieldName: true }) as JsonObject;
}

/** A message read back from its stored JSON. */
export function fromStoredJson<Desc extends DescMessage>(schema: Desc, json: unknown): MessageShape<Desc> {
  return fromJson(schema, json as JsonObject);
}
