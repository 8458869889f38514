import type { ConnectRouter } from "@connectrpc/connect";
import { ExecutorService, SecretService } from "@mcp/proto/executor";
import type { Scope } from "@mcp/runtime";
import { executorService, type ExecutorDeps } from "./executor-service.js";
import { secretService, secretValidation, type SecretVault } from "./secrets/index.js";
import { executorValidation } from "./validation.js";

/** What the executor's handlers delegate to: the run modules and the secrets vault. */
export interface ServerDeps extends ExecutorDeps {
  readonly secrets: SecretVault;
}

/**
 * Services every method of which needs a scope when API keys are on, reads included: the secrets
 * store is for admins only (even listing names).
 */
export const SERVICE_SCOPES: Readonly<Record<string, Scope>> = { [SecretService.typeName]: "admin" };

/** Builds the executor's routes and validation table from its run modules and the secrets vault. */
export function build(deps: ServerDeps) {
  const runs = executorService(deps);
  const secrets = secretService(deps.secrets);
  return {
    services: [ExecutorService, SecretService] as const,
    routes: (router: ConnectRouter) => {
      router.service(ExecutorService, runs);
      router.service(SecretService, secrets);
    },
    validation: new Map([...executorValidation, ...secretValidation]),
  };
}
