import { createHash } from "node:crypto";
import { inspect } from "node:util";

/** A key id: what rows record to say which key sealed them. */
const KEY_ID = /^[A-Za-z0-9_-]{1,32}$/;
const HEX_KEY = /^[0-9a-fA-F]{64}$/;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;
const KEY_BYTES = 32;
const HOW_TO_MAKE = "make one with `openssl rand -base64 32`";

/**
 * One AES-256 key of SECRETS_KEY. The key bytes are held in a private field: they are not enumerable,
 * serialise as `{ id }` (so a logged config never shows them) and inspect as `SecretsKey(<id>)`.
 */
export class SecretsKey {
  readonly #material: Buffer;

  constructor(
    /** 1-32 characters of `A-Za-z0-9_-`; recorded beside every value it seals. */
    readonly id: string,
    material: Buffer,
  ) {
    if (material.length !== KEY_BYTES) throw new Error(`a secrets key must be ${KEY_BYTES} bytes`);
    this.#material = Buffer.from(material);
  }

  /** The 32 key bytes, for node:crypto. Never log or return them. */
  material(): Buffer {
    return this.#material;
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }

  [inspect.custom](): string {
    return `SecretsKey(${this.id})`;
  }
}

/**
 * The keys of SECRETS_KEY: the first is the current one (it seals every new value); the others only
 * open values sealed before a rotation.
 */
export class SecretsKeyring {
  private readonly byId: ReadonlyMap<string, SecretsKey>;

  constructor(readonly keys: readonly [SecretsKey, ...SecretsKey[]]) {
    this.byId = new Map(keys.map((k) => [k.id, k]));
  }

  /** The key new values are sealed with. */
  get current(): SecretsKey {
    return this.keys[0];
  }

  /** The key with this id, or undefined when SECRETS_KEY does not contain it. */
  find(id: string): SecretsKey | undefined {
    return this.byId.get(id);
  }

  /** Every key id, current first. */
  get ids(): string[] {
    return this.keys.map((k) => k.id);
  }

  toJSON(): { keyIds: string[] } {
    return { keyIds: this.ids };
  }

  [inspect.custom](): string {
    return `SecretsKeyring(${this.ids.join(", ")})`;
  }
}

/** SECRETS_KEY does not describe a keyring; `problems` say what is wrong, never with key material. */
export class SecretsKeyError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(problems.join("; "));
    this.name = "SecretsKeyError";
  }
}

/** The id of a key given without one: the first 8 hex characters of SHA-256 of its bytes. */
export function derivedKeyId(material: Buffer): string {
  return createHash("sha256").update(material).digest("hex").slice(0, 8);
}

/** The 32 bytes of a key written as 64 hex characters or base64 (standard or URL-safe); else a problem. */
function decodeKey(text: string): Buffer | string {
  if (text === "") return `the key is empty; ${HOW_TO_MAKE}`;
  if (HEX_KEY.test(text)) return Buffer.from(text, "hex");
  if (!BASE64.test(text) || text.replace(/=+$/, "").length % 4 === 1) {
    return `the key is neither 64 hex characters nor base64; ${HOW_TO_MAKE}`;
  }
  const bytes = Buffer.from(text.replace(/-/g, "+").replace(/_/g, "/"), "base64");
  if (bytes.length !== KEY_BYTES) {
    return `the key decodes to ${bytes.length} bytes; AES-256 needs exactly ${KEY_BYTES} (${HOW_TO_MAKE}, or give 64 hex characters)`;
  }
  return bytes;
}

/**
 * Parses SECRETS_KEY: one key (base64 of exactly 32 bytes, or 64 hex characters) whose id is derived
 * ({@link derivedKeyId}), or a comma-separated list of `id:key` (an entry without `id:` gets the
 * derived id) whose FIRST key is the current one and the others only decrypt. Ids are 1-32 characters
 * of `A-Za-z0-9_-` and unique. Throws {@link SecretsKeyError} listing every problem, each naming the
 * entry but never echoing key material (an id is only quoted once it is known to be a valid id).
 */
export function parseSecretsKeyring(value: string, variable = "SECRETS_KEY"): SecretsKeyring {
  const entries = value.split(",").map((e) => e.trim());
  const several = entries.length > 1;
  const problems: string[] = [];
  const keys: SecretsKey[] = [];
  const firstEntryOf = new Map<string, number>();
  entries.forEach((entry, i) => {
    const where = several ? `${variable} entry ${i + 1}` : variable;
    if (entry === "") {
      problems.push(`${where} is empty (entries are id:key or key, separated by commas)`);
      return;
    }
    const colon = entry.indexOf(":");
    const id = colon < 0 ? undefined : entry.slice(0, colon).trim();
    const keyText = colon < 0 ? entry : entry.slice(colon + 1).trim();
    if (id !== undefined && !KEY_ID.test(id)) {
      problems.push(
        `${where}: the id before ":" must be 1-32 characters of A-Z, a-z, 0-9, '_' or '-'` +
          ` (it has ${id.length} characters${id.length > 0 && !/^[A-Za-z0-9_-]*$/.test(id) ? ", some not allowed" : ""})`,
      );
      return;
    }
    const decoded = decodeKey(keyText);
    const label = id === undefined ? where : `${where} (id "${id}")`;
    if (typeof decoded === "string") {
      problems.push(`${label}: ${decoded}`);
      return;
    }
    const key = new SecretsKey(id ?? derivedKeyId(decoded), decoded);
    const first = firstEntryOf.get(key.id);
    if (first !== undefined) {
      problems.push(
        `${variable}: entries ${first + 1} and ${i + 1} have the same id "${key.id}"; ids must be unique`,
      );
      return;
    }
    firstEntryOf.set(key.id, i);
    keys.push(key);
  });
  const [current, ...older] = keys;
  if (problems.length > 0 || current === undefined) throw new SecretsKeyError(problems);
  return new SecretsKeyring([current, ...older]);
}
