import type { Clients } from "./clients.js";
import type { CliConfig } from "./config.js";
import { describeCallError } from "./errors.js";
import type { Io } from "./output.js";

export type ServiceName = "registry" | "workflows" | "executor";

/** What every command gets: where the services are, their clients, and where to write. */
export interface Context {
  readonly config: CliConfig;
  readonly clients: Clients;
  readonly io: Io;
}

const urlOf = (config: CliConfig, service: ServiceName) =>
  service === "registry"
    ? config.registryUrl
    : service === "workflows"
      ? config.workflowsUrl
      : config.executorUrl;

/** Runs one call, turning its failure into a CliError that names the service and its address. */
export async function call<T>(ctx: Context, service: ServiceName, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw describeCallError(err, service, urlOf(ctx.config, service));
  }
}
