import type { Role } from "./identity.js";

/** What keys carried before roles (docs/adr/022). */
export const LEGACY_SCOPES = ["read", "write", "execute", "admin"] as const;

/**
 * The role a key made with the old `--scopes` gets — the same mapping the migration applied to
 * existing keys, never more than the scopes allowed: `admin` → admin; `write` (with or without
 * `execute`) → editor; `execute` alone → operator; `read` or nothing → viewer. Throws naming any
 * unknown scope.
 */
export function roleForScopes(list: string): Role {
  const scopes = list
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = scopes.filter((s) => !(LEGACY_SCOPES as readonly string[]).includes(s));
  if (unknown.length) {
    throw new Error(`unknown scope(s) ${unknown.join(", ")}; known: ${LEGACY_SCOPES.join(", ")}`);
  }
  if (scopes.includes("admin")) return "admin";
  if (scopes.includes("write")) return "editor";
  if (scopes.includes("execute")) return "operator";
  return "viewer";
}
