import { existsSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_PORTS, type ServiceName } from "@mcp/runtime";

/** A problem the launcher explains in one message and exits on (no stack trace). */
export class LaunchError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = "LaunchError";
  }
}

/** One service the launcher starts. */
export interface ServicePlan {
  readonly name: ServiceName;
  /** `services/<name>/src/main.ts`, relative to the repository root. */
  readonly entry: string;
  readonly port: number;
  /** Where this machine reaches it: `http://127.0.0.1:<port>`. */
  readonly url: string;
}

/** Every service in start order, built or not. */
export const SERVICE_NAMES = Object.keys(DEFAULT_PORTS) as ServiceName[];

const PORT_VARIABLES: Record<ServiceName, string> = {
  registry: "REGISTRY_PORT",
  workflows: "WORKFLOWS_PORT",
  executor: "EXECUTOR_PORT",
};

function portOf(name: ServiceName, env: NodeJS.ProcessEnv): number {
  const variable = PORT_VARIABLES[name];
  const raw = env[variable];
  if (raw === undefined || raw === "") return DEFAULT_PORTS[name];
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new LaunchError(`${variable} must be a port number between 1 and 65535 (got "${raw}")`, 2);
  }
  return port;
}

/** The port and URL of every service (built or not: the built ones need to know where the others will be). */
export function planServices(root: string, env: NodeJS.ProcessEnv): ServicePlan[] {
  return SERVICE_NAMES.map((name) => {
    const port = portOf(name, env);
    return { name, entry: join("services", name, "src", "main.ts"), port, url: `http://127.0.0.1:${port}` };
  }).filter((plan) => existsSync(join(root, plan.entry)));
}

/** Where this machine reaches a service the launcher starts (built or not). */
export function serviceUrl(name: ServiceName, env: NodeJS.ProcessEnv): string {
  return `http://127.0.0.1:${portOf(name, env)}`;
}

/** The environment of one child: everything passed through, plus its PORT and where the others listen. */
export function childEnv(plan: ServicePlan, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return {
    ...env,
    PORT: String(plan.port),
    REGISTRY_URL: serviceUrl("registry", env),
    WORKFLOWS_URL: serviceUrl("workflows", env),
  };
}
