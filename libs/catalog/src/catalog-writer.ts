import { randomUUID } from "node:crypto";
import { CATALOG_GENERATION_KEY, type Cache } from "@mcp/coordination";
import {
  uniqueViolation,
  type CatalogDefinitionRow,
  type CatalogStore,
  type CatalogTransaction,
  type CatalogVersionRow,
} from "@mcp/db";
import { AlreadyExistsError, InvalidArgumentError, NotFoundError } from "@mcp/errors";
import { checkEtag } from "@mcp/versioning";
import type { CatalogCacheKeys } from "./cache-keys.js";
import { nameKeyOf, type CatalogKey } from "./catalog-key.js";
import { versionNotFound } from "./catalog-reader.js";

/** The metadata every definition is created with (already validated by the request validator). */
export interface NewDefinition {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
}

/**
 * A kind's first version and its definition: `base` holds the common columns (new id, name key,
 * version `number` as the latest, row version 1, timestamps `now`); the kind adds its own.
 */
export type FirstVersion<D, V> = (
  base: CatalogDefinitionRow,
  number: number,
  now: Date,
) => { def: D; version: V };

/** The content an update proposes: its hash, and the version row it becomes when the hash is new. */
export interface ContentDraft<V> {
  readonly contentHash: string;
  /** Builds the new version (inside the transaction; a throw rolls it back, number included). */
  version(number: number, now: Date): V;
}

/** What an update changes; unset fields stay. */
export interface DefinitionChange<D, V> {
  readonly description?: string;
  readonly tags?: readonly string[];
  /** The proposed content, from the latest version and the locked definition; unset = content unchanged. */
  readonly content?: (latest: V, def: D) => ContentDraft<V>;
}

/** A write's outcome: the definition after it and the version it concerns. */
export interface Written<D, V> {
  readonly def: D;
  readonly version: V;
  readonly versionCreated: boolean;
}

/** What a kind's writes do beyond the kernel's. */
export interface WriterOptions<D> {
  readonly keys: CatalogCacheKeys;
  /** What a new version moves besides `latestVersion`, e.g. the `latest` label or the current version. */
  readonly onNewVersion?: (def: D, number: number) => void;
}

/**
 * The write rules every versioned kind shares: names unique among live definitions (ignoring case),
 * immutable versions numbered from a per-name counter that is never reused (docs/adr/003), a new
 * version only when the content hash changes, etags (compare-and-set on the row version), soft
 * deletes, and after every committed write the cached rows and the catalog generation dropped.
 * The kind supplies its content (how a version is built and hashed) and its own fields.
 */
export class CatalogWriter<
  D extends CatalogDefinitionRow,
  V extends CatalogVersionRow,
  Tx extends CatalogTransaction<D, V> = CatalogTransaction<D, V>,
> {
  readonly noun: string;

  constructor(
    private readonly store: CatalogStore<D, V, Tx>,
    private readonly cache: Cache,
    private readonly options: WriterOptions<D>,
  ) {
    this.noun = store.kind.noun;
  }

  /** Creates a definition in `workspace` with its first version; ALREADY_EXISTS when a live one there has the name. */
  async create(workspace: string, input: NewDefinition, first: FirstVersion<D, V>): Promise<Written<D, V>> {
    const nameKey = nameKeyOf(input.name);
    const now = new Date();
    try {
      const written = await this.store.transaction(async (tx) => {
        if (await tx.lockLiveByName(workspace, nameKey)) throw this.nameTaken(input.name);
        const number = await tx.nextVersion(workspace, nameKey);
        const base: CatalogDefinitionRow = {
          id: randomUUID(),
          workspace,
          name: input.name,
          nameKey,
          description: input.description,
          tags: [...input.tags],
          latestVersion: number,
          rowVersion: 1,
          createdAt: now,
          updatedAt: now,
          deletedAt: null,
        };
        const { def, version } = first(base, number, now);
        await tx.insertDefinition(def);
        await tx.insertVersion(version);
        return { def, version, versionCreated: true };
      });
      await this.invalidate(written.def);
      return written;
    } catch (err) {
      if (uniqueViolation(err) === this.store.kind.liveNameIndex) throw this.nameTaken(input.name);
      throw err;
    }
  }

  /** Changes metadata and, when the content hash differs from the latest version's, writes a new version. */
  async update(
    workspace: string,
    key: CatalogKey,
    etag: string,
    change: DefinitionChange<D, V>,
  ): Promise<Written<D, V>> {
    const written = await this.store.transaction(async (tx) => {
      const def = await this.lockLive(tx, workspace, key);
      checkEtag(this.noun, def.name, etag, def.rowVersion);
      const now = new Date();
      const latest = await tx.findVersion(def.id, def.latestVersion);
      if (!latest)
        throw new Error(`${this.noun} ${def.id} has no row for its latest version ${def.latestVersion}`);
      let version = latest;
      let versionCreated = false;
      const draft = change.content?.(latest, def);
      if (draft && draft.contentHash !== latest.contentHash) {
        const number = await tx.nextVersion(def.workspace, def.nameKey);
        version = draft.version(number, now);
        await tx.insertVersion(version);
        def.latestVersion = number;
        this.options.onNewVersion?.(def, number);
        versionCreated = true;
      }
      if (change.description !== undefined) def.description = change.description;
      if (change.tags !== undefined) def.tags = [...change.tags];
      def.updatedAt = now;
      await tx.saveDefinition(def);
      return { def, version, versionCreated };
    });
    await this.invalidate(written.def);
    return written;
  }

  /** Soft-deletes (versions stay readable by id); `guard` may refuse first (e.g. still in use). */
  delete(workspace: string, key: CatalogKey, etag: string, guard?: (row: D) => Promise<void>): Promise<D> {
    return this.edit(workspace, key, etag, async (row) => {
      await guard?.(row);
      row.deletedAt = new Date();
      row.updatedAt = row.deletedAt;
    });
  }

  /** Locks the live definition, checks the etag, lets `change` modify it, saves it and invalidates it. */
  async edit(
    workspace: string,
    key: CatalogKey,
    etag: string,
    change: (row: D, tx: Tx) => Promise<void>,
  ): Promise<D> {
    const def = await this.store.transaction(async (tx) => {
      const row = await this.lockLive(tx, workspace, key);
      checkEtag(this.noun, row.name, etag, row.rowVersion);
      await change(row, tx);
      return tx.saveDefinition(row);
    });
    await this.invalidate(def);
    return def;
  }

  /** Runs `work` in one write transaction (for a kind's own writes; call `invalidate` after). */
  transaction<T>(work: (tx: Tx) => Promise<T>): Promise<T> {
    return this.store.transaction(work);
  }

  /** The live definition of `workspace` a write names, locked; NOT_FOUND when missing, deleted or another workspace's. */
  async lockLive(tx: Tx, workspace: string, key: CatalogKey): Promise<D> {
    if (key.case === undefined) throw InvalidArgumentError.field(this.noun, "id or name is required");
    const def =
      key.case === "id"
        ? await tx.lockById(workspace, key.value)
        : await tx.lockLiveByName(workspace, nameKeyOf(key.value));
    if (!def || def.deletedAt)
      throw new NotFoundError(this.noun, key.value, def?.deletedAt ? "it was deleted" : undefined);
    return def;
  }

  /** Version `version` of `def`; NOT_FOUND saying which versions exist. */
  async requireVersion(tx: Tx, def: D, version: number): Promise<V> {
    const row = await tx.findVersion(def.id, version);
    if (!row) throw versionNotFound(this.noun, def, version);
    return row;
  }

  /**
   * Drops the cached "current pointers" of `def` (and the given versions) after a committed write,
   * and the catalog generation, which executors' in-process resolutions of names and labels hang on
   * (CatalogMemo).
   */
  async invalidate(def: D, ...versions: number[]): Promise<void> {
    const { keys } = this.options;
    await this.cache.delete(
      keys.byId(def.workspace, def.id),
      keys.byName(def.workspace, def.nameKey),
      ...versions.map((v) => keys.version(def.id, v)),
      CATALOG_GENERATION_KEY,
    );
  }

  private nameTaken(name: string): AlreadyExistsError {
    return new AlreadyExistsError(this.noun, name, "names are unique in a workspace, ignoring case");
  }
}
