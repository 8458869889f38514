/**
 * Who a call comes from, which workspace it acts in, and with which role: the seam between
 * authentication (API keys, OIDC tokens), workspaces and the role policy (issue 21). The interceptors
 * fill these into the call's {@link CallInfo}; domain code only reads them.
 */

/** Roles in a workspace. `admin` implies every other role; `editor` and `operator` each imply `viewer`. */
export const ROLES = ["viewer", "editor", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** The workspace of a call that names none: everything created before workspaces existed lives here. */
export const DEFAULT_WORKSPACE = "default";

/** The request header that names a call's workspace (a field on a request, where there is one, wins). */
export const WORKSPACE_HEADER = "x-mcp-workspace";

/** What a workspace name may look like: lower-case letters, digits and dashes, starting with a letter. */
export const WORKSPACE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/** An authenticated caller. */
export interface Caller {
  /** `key`: an API key; `user`: a person signed in with OpenID Connect; `service`: another service of the platform. */
  readonly kind: "key" | "user" | "service";
  /** Stable id: the key's id, the user's row id, the service key's id. */
  readonly id: string;
  /** For people and logs: the key's name, the user's email (or subject). Recorded as `principal`. */
  readonly name: string;
}

/** True when `role` may do what `needed` allows. */
export function roleAllows(role: Role, needed: Role): boolean {
  if (role === needed || role === "admin") return true;
  return needed === "viewer";
}
