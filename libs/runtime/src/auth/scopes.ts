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
 * How a server's methods are authorised when API keys are on. The one place that reads it is
 * {@link requiredScope}.
 */
export interface ScopePolicy {
  /**
   * Scope needed by every method that is not read-only, in services not listed in `services`: `write`
   * for the registry and workflows; `execute` for the executor, whose side-effecting methods —
   * ExecuteWorkflow, RunMcp, CancelRun — all run or stop work.
   */
  readonly mutating: Scope;
  /**
   * Services (by type name, e.g. `mcp.executor.v1.SecretService`) EVERY method of which needs the given
   * scope, read-only ones included: no key, no call.
   */
  readonly services?: Readonly<Record<string, Scope>>;
}

/**
 * The scope a method needs, or undefined when it is open: health and reflection are open; a service
 * listed in `policy.services` needs its scope on every method; otherwise read-only methods (declared
 * `idempotency_level = NO_SIDE_EFFECTS`) are open and every other method needs `policy.mutating`.
 */
export function requiredScope(method: DescMethod, policy: ScopePolicy): Scope | undefined {
  const service = method.parent.typeName;
  if (OPEN_SERVICES.has(service)) return undefined;
  if (policy.services && Object.hasOwn(policy.services, service)) return policy.services[service];
  if (method.idempotency === MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS) return undefined;
  return policy.mutating;
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
