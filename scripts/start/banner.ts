import { redactUrl } from "@mcp/runtime";
import { SERVICE_NAMES, type ServicePlan } from "./plan.js";

/** What the banner reports besides the services. */
export interface BannerFacts {
  readonly databaseUrl: string;
  /** How the database came to be: an external one (maybe just created) or the embedded one. */
  readonly database:
    | { readonly kind: "external"; readonly created: boolean }
    | { readonly kind: "embedded"; readonly dataDir: string; readonly initialised: boolean };
  /** Unset = single-node mode: the services run in the launcher's process. */
  readonly redisUrl: string | undefined;
  /** The web console, served by the launcher (`CONSOLE_PORT`). */
  readonly console:
    | { readonly kind: "serving"; readonly url: string }
    | { readonly kind: "off" }
    | { readonly kind: "unavailable"; readonly reason: string };
}

function consoleText(facts: BannerFacts): string {
  const c = facts.console;
  if (c.kind === "serving") return `${c.url}/  (web console: open it in a browser)`;
  if (c.kind === "off") return "off (CONSOLE_PORT=off)";
  return `not available: ${c.reason}`;
}

function databaseNote(facts: BannerFacts): string {
  const d = facts.database;
  if (d.kind === "external") return d.created ? "  (database created)" : "";
  return `  (embedded, data in ${d.dataDir}${d.initialised ? ", initialised now" : ""})`;
}

/** The few lines printed once every service answers health checks. */
export function banner(plans: readonly ServicePlan[], facts: BannerFacts): string {
  const row = (label: string, text: string) => `  ${label.padEnd(11)} ${text}`;
  const services = SERVICE_NAMES.map((name) => {
    const plan = plans.find((p) => p.name === name);
    return plan
      ? row(name, `${plan.url}  (gRPC, gRPC-Web and Connect; health, reflection)`)
      : row(name, `not built yet (no services/${name}/src/main.ts)`);
  });
  const registry = plans.find((p) => p.name === "registry");
  const first = plans[0];
  const tryIt = registry
    ? `  npx buf curl --protocol grpc --http2-prior-knowledge -d '{}' ${registry.url}/mcp.registry.v1.RegistryService/ListMcps`
    : first
      ? `  npx buf curl --protocol grpc --http2-prior-knowledge ${first.url} --list-methods`
      : undefined;
  return [
    "",
    facts.redisUrl
      ? "MCP platform is running (one process per service). Ctrl-C stops it."
      : "MCP platform is running in single-node mode (all services in this process). Ctrl-C stops it.",
    ...services,
    row("console", consoleText(facts)),
    row("PostgreSQL", `${redactUrl(facts.databaseUrl)}${databaseNote(facts)}`),
    row(
      "Redis",
      facts.redisUrl
        ? redactUrl(facts.redisUrl)
        : "none: in-process cache, locks and events (set REDIS_URL to run each service as its own process)",
    ),
    ...(tryIt ? ["Try:", tryIt] : []),
    "",
  ].join("\n");
}
