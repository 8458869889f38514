import type { ConnectRouter } from "@connectrpc/connect";
import {
  ExecutorService,
  RunRetentionService,
  ScheduleService,
  SecretService,
  TriggerService,
} from "@mcp/proto/executor";
import type { HttpRoute } from "@mcp/runtime";
import { executorService, type ExecutorDeps } from "./executor-service.js";
import { secretService, secretValidation, type SecretVault } from "./secrets/index.js";
import { triggerService, triggerValidation, type Triggers } from "./triggers/index.js";
import { executorValidation } from "./validation.js";
import { retentionService, retentionValidation, type RunPruner } from "./retention/index.js";
import {
  scheduleService,
  scheduleValidation,
  type ScheduleBook,
  type ScheduleTrigger,
} from "./schedules/index.js";

/** What the executor's handlers delegate to: the run modules, the secrets vault and the triggers. */
export interface ServerDeps extends ExecutorDeps {
  readonly secrets: SecretVault;
  readonly triggers: Triggers;
  /** Plain HTTP routes beside the RPCs: the webhooks (`POST /hooks/<name>`). */
  readonly httpRoutes: HttpRoute;
  /** Run retention (RunRetentionService). */
  readonly pruner: RunPruner;
  readonly schedules: { readonly book: ScheduleBook; readonly trigger: ScheduleTrigger };
}

/** Builds the executor's routes (RPCs and webhooks) and validation table from its modules. */
export function build(deps: ServerDeps) {
  const runs = executorService(deps);
  const secrets = secretService(deps.secrets, () => deps.triggers.resealAll());
  const schedules = scheduleService(deps.schedules.book, deps.schedules.trigger);
  return {
    services: [ExecutorService, SecretService, ScheduleService, TriggerService, RunRetentionService] as const,
    routes: (router: ConnectRouter) => {
      router.service(ExecutorService, runs);
      router.service(SecretService, secrets);
      router.service(ScheduleService, schedules);
      router.service(TriggerService, triggerService(deps.triggers));
      router.service(RunRetentionService, retentionService(deps.pruner));
    },
    validation: new Map([
      ...executorValidation,
      ...secretValidation,
      ...scheduleValidation,
      ...triggerValidation,
      ...retentionValidation,
    ]),
    httpRoutes: deps.httpRoutes,
  };
}
