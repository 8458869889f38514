import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/**
 * API keys look like `mcp_<id>_<secret>`: `<id>` is 16 hex characters (public; the row's primary key),
 * `<secret>` is 32 random bytes in base64url (256 bits). Only SHA-256(secret) is stored. A fast hash is
 * enough because the secret is uniformly random: there is no dictionary to try, and 2^256 guesses are
 * out of reach whatever the hash costs; a slow hash (scrypt) would only add latency to every call.
 */
const KEY_PATTERN = /^mcp_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;

/** A freshly generated key: `token` is shown to its owner once and never stored. */
export interface GeneratedApiKey {
  readonly id: string;
  readonly token: string;
  readonly secretHash: string;
}

/** Hex SHA-256 of a key's secret part. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret, "utf8").digest("hex");
}

/** A new random key. */
export function generateApiKey(): GeneratedApiKey {
  const id = randomBytes(8).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return { id, token: `mcp_${id}_${secret}`, secretHash: hashSecret(secret) };
}

/** Splits a presented key into id and secret; undefined when it is not shaped like a key. */
export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const match = KEY_PATTERN.exec(token);
  return match?.[1] && match[2] ? { id: match[1], secret: match[2] } : undefined;
}

/** Constant-time check of a presented secret against a stored hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), "hex");
  const stored = Buffer.from(storedHash, "hex");
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
