import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import type { SecretsKey, SecretsKeyring } from "./keyring.js";

const ALGORITHM = "aes-256-gcm";
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** A secret's value sealed with AES-256-GCM, as stored: the key's id, the nonce, ciphertext + tag. */
export interface SealedValue {
  readonly keyId: string;
  readonly nonce: Buffer;
  /** The ciphertext followed by the 16-byte authentication tag. */
  readonly ciphertext: Buffer;
}

/** Why a sealed value did not open. */
export type OpenFailure =
  /** SECRETS_KEY has no key with the value's key id. */
  | "key_unknown"
  /** The key under that id does not authenticate it (another key, another name, or altered bytes). */
  | "undecryptable";

/** The result of {@link openValue}: the value, or why not (never an exception carrying data). */
export type Opened =
  { readonly ok: true; readonly value: string } | { readonly ok: false; readonly failure: OpenFailure };

/**
 * The additional authenticated data: the secret's name (with a fixed context), so a ciphertext copied
 * to another secret's row does not open there.
 */
const aad = (name: string) => Buffer.from(`mcp.secret.v1\u0000${name}`, "utf8");

/** Seals `value` (UTF-8) for the secret `name` with `key` and a fresh random 12-byte nonce. */
export function sealValue(key: SecretsKey, name: string, value: string): SealedValue {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv(ALGORITHM, key.material(), nonce, { authTagLength: TAG_BYTES });
  cipher.setAAD(aad(name));
  const plain = Buffer.from(value, "utf8");
  try {
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
    return { keyId: key.id, nonce, ciphertext };
  } finally {
    plain.fill(0);
  }
}

/** Opens the value of the secret `name` with the key of `keyring` that sealed it. */
export function openValue(keyring: SecretsKeyring, name: string, sealed: SealedValue): Opened {
  const key = keyring.find(sealed.keyId);
  if (!key) return { ok: false, failure: "key_unknown" };
  if (sealed.nonce.length !== NONCE_BYTES || sealed.ciphertext.length < TAG_BYTES) {
    return { ok: false, failure: "undecryptable" };
  }
  const body = sealed.ciphertext.subarray(0, sealed.ciphertext.length - TAG_BYTES);
  const tag = sealed.ciphertext.subarray(sealed.ciphertext.length - TAG_BYTES);
  let plain: Buffer | undefined;
  try {
    const decipher = createDecipheriv(ALGORITHM, key.material(), sealed.nonce, { authTagLength: TAG_BYTES });
    decipher.setAAD(aad(name));
    decipher.setAuthTag(tag);
    plain = Buffer.concat([decipher.update(body), decipher.final()]);
    return { ok: true, value: plain.toString("utf8") };
  } catch {
    // GCM refused the tag: not this key, not this name, or the bytes were altered
    return { ok: false, failure: "undecryptable" };
  } finally {
    plain?.fill(0);
  }
}
