import { UnauthenticatedError } from "@mcp/errors";
import { parseApiKey, secretMatches } from "./api-key.js";
import type { Role } from "./identity.js";
import { asRole } from "./roles.js";

/** A stored key as the verifier needs it (the `api_keys` row; `@mcp/db` ApiKeyStore returns these). */
export interface StoredApiKey {
  readonly id: string;
  readonly name: string;
  readonly secretHash: string;
  /** `viewer`, `editor`, `operator` or `admin`. */
  readonly role: string;
  readonly revokedAt: Date | null;
  /** The workspace the key acts in; `*` = every workspace (docs/adr/021). */
  readonly workspace: string;
}

/** Where keys are looked up. */
export interface ApiKeyLookup {
  find(id: string): Promise<StoredApiKey | undefined>;
  /** Records a use (best effort). */
  touch(id: string): Promise<void>;
}

/** Who a verified key belongs to. */
export interface Principal {
  readonly keyId: string;
  readonly name: string;
  /** The key's role in the workspace it acts in (docs/adr/022). */
  readonly role: Role;
  /** The workspace the key acts in; `*` = every workspace. */
  readonly workspace: string;
}

const MAX_CACHED = 10_000;

/**
 * Checks presented keys against the store. Rows (including "no such id") are cached per process for
 * `cacheMs` (default 30 s), so a busy service hits the database once per key per period; the secret is
 * still compared (constant time) on every call. Consequence: a revocation takes effect in every service
 * within `cacheMs`.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, { row: StoredApiKey | undefined; until: number }>();

  constructor(
    private readonly keys: ApiKeyLookup,
    private readonly cacheMs = 30_000,
    private readonly onTouchError: (err: unknown) => void = () => undefined,
  ) {}

  /** The key's principal; UnauthenticatedError when it is malformed, unknown, wrong or revoked. */
  async verify(token: string): Promise<Principal> {
    const parsed = parseApiKey(token);
    if (!parsed) {
      throw new UnauthenticatedError("the API key is malformed: expected mcp_<id>_<secret>");
    }
    const row = await this.row(parsed.id);
    if (!row || !secretMatches(parsed.secret, row.secretHash)) {
      throw new UnauthenticatedError("the API key is not valid (unknown key or wrong secret)");
    }
    if (row.revokedAt) {
      throw new UnauthenticatedError(`the API key "${row.name}" (${row.id}) has been revoked`);
    }
    return { keyId: row.id, name: row.name, role: asRole(row.role) ?? "viewer", workspace: row.workspace };
  }

  private async row(id: string): Promise<StoredApiKey | undefined> {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.row;
    const row = await this.keys.find(id);
    if (this.cacheMs > 0) {
      if (this.cache.size >= MAX_CACHED) this.evictExpired(now);
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(id, { row, until: now + this.cacheMs });
    }
    if (row && !row.revokedAt) this.keys.touch(id).catch(this.onTouchError);
    return row;
  }

  private evictExpired(now: number): void {
    for (const [id, entry] of this.cache) if (entry.until <= now) this.cache.delete(id);
  }
}
