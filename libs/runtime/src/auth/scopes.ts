import type { DescMethod } from "@bufbuild/protobuf";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";

/** What a key may do. `admin` implies every other scope. */
export const SCOPES = ["read", "write", "execute", "admin"] as const;
export type Scope = (typeof SCOPES)[number];

/** Services anyone may call (probes, tooling), auth or not. */
export const OPEN_SERVICES: ReadonlySet<string> = new Set([
  "grpc.health.v1.Health",
  "grpc.reflection.v1.ServerReflection",
  "grpc.reflection.v1alpha.ServerReflection",
]);

/**
 * The scope a method needs, or undefined when it is open. Read-only methods (declared
 * `idempotency_level = NO_SIDE_EFFECTS`) are open; every other method of the service needs `mutating`
 * (`write` for the registry and workflows; `execute` for the executor, whose side-effecting methods —
 * ExecuteWorkflow, RunMcp, CancelRun — all run or stop work).
 */
export function requiredScope(method: DescMethod, mutating: Scope): Scope | undefined {
  if (OPEN_SERVICES.has(method.parent.typeName)) return undefined;
  if (method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) return undefined;
  return mutating;
}

/** True when a key with `scopes` may make a call needing `needed`. */
export function hasScope(scopes: readonly string[], needed: Scope): boolean {
  return scopes.includes(needed) || scopes.includes("admin");
}

/** Parses `write,execute` into scopes; throws naming any unknown one. */
export function parseScopes(list: string): Scope[] {
  const scopes = [
    ...new Set(
      list
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
  const unknown = scopes.filter((s) => !(SCOPES as readonly string[]).includes(s));
  if (unknown.length) throw new Error(`unknown scope(s) ${unknown.join(", ")}; known: ${SCOPES.join(", ")}`);
  return scopes as Scope[];
}
