import type { ConnectRouter } from "@connectrpc/connect";
import { ExecutorService, ScheduleService, SecretService } from "@mcp/proto/executor";
import type { Scope } from "@mcp/runtime";
import { executorService, type ExecutorDeps } from "./executor-service.js";
import { secretService, secretValidation, type SecretVault } from "./secrets/index.js";
import { executorValidation } from "./validation.js";
import {
  scheduleService,
  scheduleValidation,
  type ScheduleBook,
  type ScheduleTrigger,
} from "./schedules/index.js";

/** What the executor's handlers delegate to: the run modules and the secrets vault. */
export interface ServerDeps extends ExecutorDeps {
  readonly secrets: SecretVault;
  readonly schedules: { readonly book: ScheduleBook; readonly trigger: ScheduleTrigger };
}

/**
 * Services every method of which needs a scope when API keys are on, reads included: the secrets
 * store is for admins only (even listing names).
 */
export const SERVICE_SCOPES: Readonly<Record<string, Scope>> = { [SecretService.typeName]: "admin" };

/** Builds the executor's routes and validation table from its run modules, the secrets vault and the schedules. */
export function build(deps: ServerDeps) {
  const runs = executorService(deps);
  const secrets = secretService(deps.secrets);
  const schedules = scheduleService(deps.schedules.book, deps.schedules.trigger);
  return {
    services: [ExecutorService, SecretService, ScheduleService] as const,
    routes: (router: ConnectRouter) => {
      router.service(ExecutorService, runs);
      router.service(SecretService, secrets);
      router.service(ScheduleService, schedules);
    },
    validation: new Map([...executorValidation, ...secretValidation, ...scheduleValidation]),
  };
}
