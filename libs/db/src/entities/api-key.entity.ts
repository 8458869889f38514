import { Check, Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * An API key (DESIGN.md §5). The key itself (`mcp_<id>_<secret>`) is shown once when created; only the
 * SHA-256 of its secret is stored. Revoked keys stay for the record.
 */
@Entity({ name: "api_keys" })
@Check("api_keys_role", `"role" IN ('viewer', 'editor', 'operator', 'admin')`)
@Index("api_keys_live_name", ["workspace", "name"], { unique: true, where: "revoked_at IS NULL" })
export class ApiKeyEntity {
  /** The `<id>` part of the key: random, public, the lookup key. */
  @PrimaryColumn({ type: "text" })
  id!: string;

  /**
   * The workspace the key acts in; `*` = every workspace (for SERVICE_API_KEY, which services forward
   * their callers' workspaces with). Names are unique per workspace (docs/adr/021).
   */
  @Column({ type: "text", default: "default" })
  workspace!: string;

  /** Who holds it (e.g. `ci`); recorded as the principal of its calls. Unique among live keys. */
  @Column({ type: "text" })
  name!: string;

  /** Hex SHA-256 of the `<secret>` part. */
  @Column({ type: "text", name: "secret_hash" })
  secretHash!: string;

  /**
   * What the key could do before roles (`write`, `execute`, `admin`): kept for the record; keys made
   * since have none. What a key may do is its `role`.
   */
  @Column({ type: "text", array: true, default: () => "'{}'" })
  scopes!: string[];

  /** What the key may do in its workspace: `viewer`, `editor`, `operator` or `admin` (docs/adr/022). */
  @Column({ type: "text", default: "viewer" })
  role!: string;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;

  @Column({ type: "timestamptz", name: "revoked_at", nullable: true })
  revokedAt!: Date | null;

  /** Refreshed at most once per cache period per service process. */
  @Column({ type: "timestamptz", name: "last_used_at", nullable: true })
  lastUsedAt!: Date | null;
}
