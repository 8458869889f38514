import type { SecretEntity } from "@mcp/db";
import { etagOf } from "@mcp/versioning";

/** What may leave the vault about a secret: its metadata, never its value (sealed or not). */
export interface SecretInfo {
  readonly name: string;
  readonly description: string;
  readonly valueVersion: number;
  readonly keyId: string;
  readonly etag: string;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly createdBy: string | null;
  readonly updatedBy: string | null;
}

/** A row's metadata (the nonce and ciphertext stay behind). */
export function secretInfo(row: SecretEntity): SecretInfo {
  return {
    name: row.name,
    description: row.description,
    valueVersion: row.valueVersion,
    keyId: row.keyId,
    etag: etagOf(row.rowVersion),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    createdBy: row.createdBy,
    updatedBy: row.updatedBy,
  };
}
