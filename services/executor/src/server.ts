import type { ConnectRouter } from "@connectrpc/connect";
import { ExecutorService } from "@mcp/proto/executor";
import { executorService, type ExecutorDeps } from "./executor-service.js";
import { executorValidation } from "./validation.js";

/** Builds the executor's routes and validation table from its run modules. */
export function build(deps: ExecutorDeps) {
  const impl = executorService(deps);
  return {
    services: [ExecutorService] as const,
    routes: (router: ConnectRouter) => router.service(ExecutorService, impl),
    validation: executorValidation,
  };
}
