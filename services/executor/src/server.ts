import type { ConnectRouter } from "@connectrpc/connect";
import { ExecutorService, RunRetentionService, SecretService } from "@mcp/proto/executor";
import type { Scope } from "@mcp/runtime";
import { executorService, type ExecutorDeps } from "./executor-service.js";
import { secretService, secretValidation, type SecretVault } from "./secrets/index.js";
import { executorValidation } from "./validation.js";
import { retentionService, retentionValidation, type RunPruner } from "./retention/index.js";

/** What the executor's handlers delegate to: the run modules and the secrets vault. */
export interface ServerDeps extends ExecutorDeps {
  readonly secrets: SecretVault;
  /** Run retention (RunRetentionService). */
  readonly pruner: RunPruner;
}

/**
 * Services every method of which needs a scope when API keys are on, reads included: the secrets
 * store is for admins only (even listing names), and so is deleting run history.
 */
export const SERVICE_SCOPES: Readonly<Record<string, Scope>> = {
  [SecretService.typeName]: "admin",
  [RunRetentionService.typeName]: "admin",
};

/** Builds the executor's routes and validation table from its run modules, the secrets vault and the pruner. */
export function build(deps: ServerDeps) {
  const runs = executorService(deps);
  const secrets = secretService(deps.secrets);
  return {
    services: [ExecutorService, SecretService, RunRetentionService] as const,
    routes: (router: ConnectRouter) => {
      router.service(ExecutorService, runs);
      router.service(SecretService, secrets);
      router.service(RunRetentionService, retentionService(deps.pruner));
    },
    validation: new Map([...executorValidation, ...secretValidation, ...retentionValidation]),
  };
}
