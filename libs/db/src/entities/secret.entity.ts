import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * A secret of the executor's secrets store (DESIGN.md §5). Only the sealed value is stored: AES-256-GCM
 * ciphertext with its 16-byte tag appended, the nonce, and the id of the key that sealed it. The
 * plaintext never reaches the database.
 */
@Entity({ name: "secrets" })
export class SecretEntity {
  /** The workspace the secret belongs to; with the name, the key (docs/adr/021). */
  @PrimaryColumn({ type: "text", default: "default" })
  workspace!: string;

  /** Case-sensitive; byte order (`COLLATE "C"`), so pages are ordered the same on every server. */
  @PrimaryColumn({ type: "text", collation: "C" })
  name!: string;

  @Column({ type: "text", default: "" })
  description!: string;

  /** 1 when created, one more on each new value. */
  @Column({ type: "integer", name: "value_version" })
  valueVersion!: number;

  /** Id of the SECRETS_KEY key the value is sealed with. */
  @Column({ type: "text", name: "key_id" })
  keyId!: string;

  /** The 12-byte GCM nonce. */
  @Column({ type: "bytea" })
  nonce!: Buffer;

  /** Ciphertext followed by the 16-byte GCM authentication tag. */
  @Column({ type: "bytea" })
  ciphertext!: Buffer;

  /**
   * Optimistic-concurrency counter; the etag is derived from it. Bumped by every put (compare-and-set
   * on it), not by a key rotation, which changes neither the value nor the description.
   */
  @Column({ type: "integer", name: "row_version", default: 1 })
  rowVersion!: number;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;

  /** When the value or the description last changed. */
  @Column({ type: "timestamptz", name: "updated_at" })
  updatedAt!: Date;

  /** The API key's name that created it, when API keys are on. */
  @Column({ type: "text", name: "created_by", nullable: true })
  createdBy!: string | null;

  /** The API key's name that last set it, when API keys are on. */
  @Column({ type: "text", name: "updated_by", nullable: true })
  updatedBy!: string | null;
}
