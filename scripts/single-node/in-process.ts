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

/** How one service is configured and started in this process. */
interface Starter {
  // each service's own config type; loaded by its own `load`
  readonly start: (config: never, logger: Logger) => Promise<{ stop(): Promise<void> }>;
  readonly load: (env: NodeJS.ProcessEnv) => ServiceConfig;
}

/** Loaded lazily: the multi-process path never pays for the services' modules. */
const STARTERS: Record<ServiceName, () => Promise<Starter>> = {
  registry: async () => {
    const [{ startRegistry }, { loadRegistryConfig }] = await Promise.all([
      import("@mcp/registry/app"),
      import("@mcp/registry/config"),
    ]);
    return { start: startRegistry, load: loadRegistryConfig };
  },
  workflows: async () => {
    const { startWorkflows } = await import("@mcp/workflows/app");
    return { start: startWorkflows, load: (env) => loadConfig("workflows", env) };
  },
  executor: async () => {
    const [{ startExecutor }, { loadExecutorConfig }] = await Promise.all([
      import("@mcp/executor/app"),
      import("@mcp/executor/config"),
    ]);
    return { start: startExecutor, load: loadExecutorConfig };
  },
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
    const { start, load } = await STARTERS[plan.name]();
    const config = load(childEnv(plan, env));
    const logger = createLogger({ service: plan.name, level: config.logLevel, format: config.logFormat });
    let app: { stop(): Promise<void> };
    try {
      app = await (start as (config: ServiceConfig, logger: Logger) => Promise<{ stop(): Promise<void> }>)(
        config,
        logger,
      );
    } catch (err) {
      logger.fatal({ err }, `${plan.name} failed to start`);
      throw new LaunchError(`${plan.name} could not start: ${errorMessage(err)}`);
    }
    onStarted({ name: plan.name, stop: () => app.stop() });
  }
}
