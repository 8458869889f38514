import { DEFAULT_WORKSPACE, ROLES, type Caller, type Role } from "./identity.js";

/** Where memberships are looked up (`@mcp/db` MemberStore). */
export interface MemberLookup {
  /** The role of `email` in `workspace` as stored, or undefined when they are not a member. */
  roleOf(workspace: string, email: string): Promise<string | undefined>;
}

/** Parses a stored role; undefined for anything else (a row the check constraint should have refused). */
export function asRole(value: string | undefined): Role | undefined {
  return (ROLES as readonly (string | undefined)[]).includes(value) ? (value as Role) : undefined;
}

const MAX_CACHED = 10_000;

/**
 * A signed-in person's role in a workspace: `admin` in `default` for the bootstrap emails
 * (BOOTSTRAP_ADMIN_EMAILS), else their membership. Memberships (including "none") are cached per
 * process for `cacheMs`, like keys: a change takes effect in every service within that.
 */
export class MemberRoles {
  private readonly cache = new Map<string, { role: Role | undefined; until: number }>();
  private readonly bootstrap: ReadonlySet<string>;

  constructor(
    private readonly members: MemberLookup,
    bootstrapAdminEmails: readonly string[],
    private readonly cacheMs = 30_000,
  ) {
    this.bootstrap = new Set(bootstrapAdminEmails.map((e) => e.toLowerCase()));
  }

  /** The role of user `caller` (whose `name` is their verified email) in `workspace`. */
  async roleOf(caller: Caller, workspace: string): Promise<Role | undefined> {
    const email = caller.name.toLowerCase();
    if (workspace === DEFAULT_WORKSPACE && this.bootstrap.has(email)) return "admin";
    const key = `${workspace}\n${email}`;
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.role;
    const role = asRole(await this.members.roleOf(workspace, email));
    if (this.cacheMs > 0) {
      if (this.cache.size >= MAX_CACHED) this.cache.clear();
      this.cache.set(key, { role, until: now + this.cacheMs });
    }
    return role;
  }
}
