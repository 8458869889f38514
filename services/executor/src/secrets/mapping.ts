import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { SecretSchema, type Secret } from "@mcp/proto/executor";
import type { SecretInfo } from "./secret-info.js";

/** A secret's metadata as the API returns it. */
export function toSecret(info: SecretInfo): Secret {
  return create(SecretSchema, {
    name: info.name,
    description: info.description,
    valueVersion: info.valueVersion,
    keyId: info.keyId,
    etag: info.etag,
    createTime: timestampFromDate(info.createdAt),
    updateTime: timestampFromDate(info.updatedAt),
    createdBy: info.createdBy ?? "",
    updatedBy: info.updatedBy ?? "",
  });
}
