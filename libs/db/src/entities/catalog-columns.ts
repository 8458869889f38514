import { Column, PrimaryColumn } from "typeorm";

/**
 * The columns every versioned definition has (MCPs, workflows, and kinds to come): its identity, the
 * case-insensitive name key that is unique among live rows, the metadata every kind carries, the
 * latest version number, the optimistic-concurrency counter and the timestamps of a soft delete.
 * A kind's entity extends it with its own columns and declares its table and indexes.
 */
export abstract class CatalogDefinitionColumns {
  @PrimaryColumn({ type: "uuid" })
  id!: string;

  /** The workspace the definition belongs to; names are unique per workspace (docs/adr/021). */
  @Column({ type: "text", default: "default" })
  workspace!: string;

  /** The name as written by its author. */
  @Column({ type: "text" })
  name!: string;

  /** `lower(name)`: the case-insensitive key for uniqueness, lookups and ordering. */
  @Column({ type: "text", name: "name_key" })
  nameKey!: string;

  @Column({ type: "text", default: "" })
  description!: string;

  @Column({ type: "text", array: true, default: () => "'{}'" })
  tags!: string[];

  @Column({ type: "integer", name: "latest_version" })
  latestVersion!: number;

  /** Optimistic-concurrency counter; the etag is derived from it. Bumped on every write. */
  @Column({ type: "integer", name: "row_version", default: 1 })
  rowVersion!: number;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;

  @Column({ type: "timestamptz", name: "updated_at" })
  updatedAt!: Date;

  @Column({ type: "timestamptz", name: "deleted_at", nullable: true })
  deletedAt!: Date | null;
}

/**
 * The columns every immutable version has: its number (with the definition's id, which each kind
 * names itself, the primary key), the hash of its content, the author's note and when it was written.
 */
export abstract class CatalogVersionColumns {
  @PrimaryColumn({ type: "integer" })
  version!: number;

  /** SHA-256 (hex) of the canonical JSON of the version's content. */
  @Column({ type: "text", name: "content_hash" })
  contentHash!: string;

  @Column({ type: "text", name: "change_note", default: "" })
  changeNote!: string;

  @Column({ type: "timestamptz", name: "created_at" })
  createdAt!: Date;
}

/**
 * The last version number handed out for a case-insensitive name of one kind. Survives deletes, so a
 * re-created name continues numbering instead of reusing numbers (docs/adr/003).
 */
export abstract class NameCounterColumns {
  /** Counters are per workspace, as names are. */
  @PrimaryColumn({ type: "text", default: "default" })
  workspace!: string;

  @PrimaryColumn({ type: "text", name: "name_key" })
  nameKey!: string;

  @Column({ type: "integer", name: "last_version" })
  lastVersion!: number;
}
