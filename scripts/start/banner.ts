import { redactUrl } from "@mcp/runtime";
import { SERVICE_NAMES, type ServicePlan } from "./plan.js";

/** What the banner reports besides the services. */
export interface BannerFacts {
  readonly databaseUrl: string;
  readonly databaseCreated: boolean;
  readonly redisUrl: string | undefined;
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
  const first = plans[0];
  return [
    "",
    "MCP platform is running. Ctrl-C stops it.",
    ...services,
    row(
      "PostgreSQL",
      `${redactUrl(facts.databaseUrl)}${facts.databaseCreated ? "  (database created)" : ""}`,
    ),
    row(
      "Redis",
      facts.redisUrl
        ? redactUrl(facts.redisUrl)
        : "none: each service caches in process (set REDIS_URL to share one)",
    ),
    ...(first
      ? ["Try:", `  npx buf curl --protocol grpc --http2-prior-knowledge ${first.url} --list-methods`]
      : []),
    "",
  ].join("\n");
}
