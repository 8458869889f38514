/**
 * Single-node mode: every built service started in THIS process through its composition root
 * (`@mcp/<name>/app`), each on its own port. With no Redis URL in their config, each app uses its
 * in-process cache, locks and run events.
 */
import { createLogger, loadConfig, type Logger, type ServiceConfig, type ServiceName } from "@mcp/runtime";
import { childEnv, LaunchError, type ServicePlan } from "../start/plan.js";
import { errorMessage } from "@mcp/errors";

/** A service started in process and how to stop it gracefully. */
export interface InProcessService {
  readonly name: ServiceName;
  stop(): Promise<void>;
}

type Starter = (config: ServiceConfig, logger: Logger) => Promise<{ stop(): Promise<void> }>;

/** Loaded lazily: the multi-process path never pays for the services' modules. */
const STARTERS: Record<ServiceName, () => Promise<Starter>> = {
  registry: async () => (await import("@mcp/registry/app")).startRegistry,
  workflows: async () => (await import("@mcp/workflows/app")).startWorkflows,
  executor: async () => (await import("@mcp/executor/app")).startExecutor,
};

/**
 * Starts the planned services one after another (registry, workflows, executor). `onStarted` is
 * called for each as soon as it runs, so the caller can stop the started ones if a later one fails
 * (the error is rethrown) or a signal arrives.
 */
export async function startInProcess(
  plans: readonly ServicePlan[],
  env: NodeJS.ProcessEnv,
  onStarted: (service: InProcessService) => void,
  cancelled: AbortSignal,
): Promise<void> {
  for (const plan of plans) {
    if (cancelled.aborted) return;
    const config = loadConfig(plan.name, childEnv(plan, env));
    const logger = createLogger({ service: plan.name, level: config.logLevel });
    const start = await STARTERS[plan.name]();
    let app: { stop(): Promise<void> };
    try {
      app = await start(config, logger);
    } catch (err) {
      logger.fatal({ err }, `${plan.name} failed to start`);
      throw new LaunchError(
        `${plan.name} could not start: ${errorMessage(err)}`,
      );
    }
    onStarted({ name: plan.name, stop: () => app.stop() });
  }
}
