import type { SecretStore } from "@mcp/db";
import { ConflictError, NotFoundError } from "@mcp/errors";
import type { SecretsKeyring } from "./keyring.js";
import { checkEtag, etagOf } from "@mcp/versioning";
import { SecretUnavailableError, secretsNotConfigured } from "./errors.js";
import { rotateSecrets, type Rotated } from "./key-rotation.js";
import { openValue, sealValue } from "./sealed-value.js";
import { secretInfo, type SecretInfo } from "./secret-info.js";

/** The rows the vault reads and writes (`@mcp/db` SecretStore). */
export type SecretRows = Pick<
  SecretStore,
  "get" | "getMany" | "listPage" | "upsert" | "compareAndSet" | "reseal" | "delete" | "listSealedWithOtherKey"
>;

/** A put: a new value for `name` in `workspace` (created when missing). */
export interface SecretPut {
  readonly workspace: string;
  readonly name: string;
  readonly value: string;
  /** Undefined = keep an existing secret's description ("" for a new one). */
  readonly description?: string | undefined;
  /** "" = no check; else the put fails with ABORTED unless it is the current etag (the secret must exist). */
  readonly etag: string;
  /** Who puts it (the API key's name), undefined when API keys are off. */
  readonly by: string | undefined;
}

/**
 * The secrets store's domain module: values sealed with AES-256-GCM under the current SECRETS_KEY key
 * (`sealed-value.ts`), metadata out, values only through {@link reveal}. Without a keyring (no
 * SECRETS_KEY) it exists but refuses every call: FAILED_PRECONDITION, and `reveal` throws
 * {@link SecretUnavailableError}. Requests arrive validated (names, sizes).
 */
export class SecretVault {
  constructor(
    private readonly rows: SecretRows,
    private readonly keyring: SecretsKeyring | undefined,
  ) {}

  /** Whether SECRETS_KEY is set, i.e. whether the store can be used at all. */
  get configured(): boolean {
    return this.keyring !== undefined;
  }

  /**
   * Creates the secret or gives it a new value (value version + 1), sealed with the current key. The
   * description is kept when unset. Without an etag, concurrent puts all land and the last one wins;
   * with one: ABORTED unless it is the current etag, NOT_FOUND if the secret does not exist.
   */
  async put(put: SecretPut): Promise<{ secret: SecretInfo; created: boolean }> {
    const keyring = this.requireKeyring();
    const { workspace, name, etag } = put;
    const sealed = sealValue(keyring.current, name, put.value);
    const by = put.by ?? null;
    if (etag === "") {
      const { secret, created } = await this.rows.upsert({
        workspace,
        name,
        description: put.description,
        ...sealed,
        createdBy: by,
        updatedBy: by,
      });
      return { secret: secretInfo(secret), created };
    }
    const existing = await this.rows.get(workspace, name);
    if (!existing) {
      throw new NotFoundError(
        "secret",
        name,
        "an etag was given, so the put only updates an existing secret",
      );
    }
    checkEtag("secret", name, etag, existing.rowVersion);
    const row = await this.rows.compareAndSet(workspace, name, existing.rowVersion, {
      ...sealed,
      valueVersion: existing.valueVersion + 1,
      ...(put.description === undefined ? {} : { description: put.description }),
      updatedBy: by,
    });
    if (row) return { secret: secretInfo(row), created: false };
    // someone else wrote between the read and the write
    const current = await this.rows.get(workspace, name);
    if (!current) throw new NotFoundError("secret", name, "it was deleted while the put ran");
    throw new ConflictError("secret", name, etag, etagOf(current.rowVersion));
  }

  /** One secret's metadata; NOT_FOUND when there is none in `workspace`. */
  async get(workspace: string, name: string): Promise<SecretInfo> {
    this.requireKeyring();
    const row = await this.rows.get(workspace, name);
    if (!row) throw new NotFoundError("secret", name);
    return secretInfo(row);
  }

  /** A page of secrets' metadata, ordered by name (`pageSize` 0 = 50; at most 500). */
  async list(
    workspace: string,
    pageToken: string,
    pageSize: number,
  ): Promise<{ secrets: SecretInfo[]; nextPageToken: string }> {
    this.requireKeyring();
    const page = await this.rows.listPage(workspace, pageToken, pageSize);
    return { secrets: page.items.map(secretInfo), nextPageToken: page.nextPageToken };
  }

  /** Deletes the secret; NOT_FOUND when there is none, ABORTED when `etag` is given and stale. */
  async delete(workspace: string, name: string, etag: string): Promise<void> {
    this.requireKeyring();
    if (etag === "") {
      if (!(await this.rows.delete(workspace, name))) throw new NotFoundError("secret", name);
      return;
    }
    const existing = await this.rows.get(workspace, name);
    if (!existing) throw new NotFoundError("secret", name);
    checkEtag("secret", name, etag, existing.rowVersion);
    if (await this.rows.delete(workspace, name, existing.rowVersion)) return;
    const current = await this.rows.get(workspace, name);
    if (!current) throw new NotFoundError("secret", name);
    throw new ConflictError("secret", name, etag, etagOf(current.rowVersion));
  }

  /**
   * Re-encrypts every secret not sealed with the current key (the first of SECRETS_KEY), so the older
   * keys can then be dropped. Idempotent: a second call re-encrypts nothing.
   */
  async rotateKey(): Promise<Rotated> {
    return rotateSecrets(this.rows, this.requireKeyring());
  }

  /**
   * The values of exactly the named secrets (duplicates ignored), for the step that names them. Throws
   * {@link SecretUnavailableError} for the first one that does not exist or cannot be decrypted with
   * this executor's keys, or when it has no SECRETS_KEY (unless `names` is empty). Only `workspace`'s
   * secrets (the run's): one of another workspace is not found. Never logs a value.
   */
  async reveal(workspace: string, names: readonly string[]): Promise<ReadonlyMap<string, string>> {
    const wanted = [...new Set(names)];
    const values = new Map<string, string>();
    const [first] = wanted;
    if (first === undefined) return values;
    if (!this.keyring) throw new SecretUnavailableError(first, "not_configured");
    const rows = new Map((await this.rows.getMany(workspace, wanted)).map((row) => [row.name, row]));
    for (const name of wanted) {
      const row = rows.get(name);
      if (!row) throw new SecretUnavailableError(name, "not_found");
      const opened = openValue(this.keyring, name, row);
      if (!opened.ok) throw new SecretUnavailableError(name, opened.failure, row.keyId);
      values.set(name, opened.value);
    }
    return values;
  }

  private requireKeyring(): SecretsKeyring {
    if (!this.keyring) throw secretsNotConfigured();
    return this.keyring;
  }
}
