import { Column, Entity, Index, PrimaryColumn } from "typeorm";
import type { JsonObject } from "./mcp-version.entity.js";

/**
 * A webhook trigger of the executor (`POST /hooks/<name>` starts a run of its workflow). Its signing
 * secret is stored sealed like a secret of the secrets store (AES-256-GCM under SECRETS_KEY: key id,
 * nonce, ciphertext + tag); the plaintext never reaches the database.
 */
@Entity({ name: "webhook_triggers" })
@Index("webhook_triggers_name", ["workspace", "name"], { unique: true })
export class WebhookTriggerEntity {
  /** Part of each delivery's run request id, so a trigger re-created under the same name starts afresh. */
  @PrimaryColumn({ type: "uuid", primaryKeyConstraintName: "webhook_triggers_pkey" })
  id!: string;

  /** The workspace the row belongs to (docs/adr/021). */
  @Column({ type: "text", default: "default" })
  workspace!: string;

  /** Lower-case; byte order (`COLLATE "C"`), so pages are ordered the same on every server. */
  @Column({ type: "text", collation: "C" })
  name!: string;

  @Column({ type: "text", default: "" })
  description!: string;

  /** The workflow reference in proto JSON (`{"name": "...", "version": 2}`), resolved per delivery. */
  @Column({ type: "jsonb", name: "workflow_ref" })
  workflowRef!: JsonObject;

  /** Input name → dotted body path; empty = the body is the inputs object. */
  @Column({ type: "jsonb", name: "input_paths" })
  inputPaths!: Record<string, string>;

  /** Token bucket refill rate, deliveries per minute. */
  @Column({ type: "integer", name: "rate_per_minute" })
  ratePerMinute!: number;

  /** Token bucket size. */
  @Column({ type: "integer" })
  burst!: number;

  /** Id of the SECRETS_KEY key the secret is sealed with. */
  @Column({ type: "text", name: "key_id" })
  keyId!: string;

  /** The 12-byte GCM nonce. */
  @Column({ type: "bytea" })
  nonce!: Buffer;

  /** Ciphertext followed by the 16-byte GCM authentication tag. */
  @Column({ type: "bytea" })
  ciphertext!: Buffer;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;

  /** When the secret was last set (creation or rotation). */
  @Column({ type: "timestamptz", name: "secret_at" })
  secretAt!: Date;

  /** The API key's name that created it, when API keys are on. */
  @Column({ type: "text", name: "created_by", nullable: true })
  createdBy!: string | null;
}
