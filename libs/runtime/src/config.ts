import { z } from "zod";
import { sandboxConfigFromEnv, type SandboxConfig } from "@mcp/sandbox";
import { DEFAULT_MAX_REQUEST_BYTES } from "@mcp/validation";

/** The three services and their default ports. */
export const DEFAULT_PORTS = { registry: 50051, workflows: 50052, executor: 50053 } as const;
export type ServiceName = keyof typeof DEFAULT_PORTS;

const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"] as const;
const LOG_FORMATS = ["auto", "json", "pretty"] as const;
const MIGRATION_MODES = ["run", "check"] as const;

/** Typed, validated configuration of one service process. Built once at start-up, then frozen. */
export interface ServiceConfig {
  readonly service: ServiceName;
  readonly host: string;
  /** 0 = any free port. */
  readonly port: number;
  readonly databaseUrl: string;
  /**
   * `DB_MIGRATIONS`: `run` (default) applies pending migrations at start; `check` refuses to start
   * unless the schema is exactly this build's (deployments that migrate with a job: docs/deploy.md).
   * A schema newer than the build is refused either way.
   */
  readonly migrations: (typeof MIGRATION_MODES)[number];
  /** Unset = no Redis: in-process cache, locks and events (single node). */
  readonly redisUrl: string | undefined;
  readonly registryUrl: string;
  readonly workflowsUrl: string;
  readonly logLevel: (typeof LOG_LEVELS)[number];
  /** `LOG_FORMAT`: `json`, `pretty`, or `auto` (default: pretty on a terminal, JSON otherwise). */
  readonly logFormat: (typeof LOG_FORMATS)[number];
  /** Origins allowed to call from a browser (`*` = any). */
  readonly corsOrigins: readonly string[];
  /** How long shutdown waits for in-flight calls before closing connections. */
  readonly shutdownGraceMs: number;
  /** Largest request message accepted, in bytes after decompression (`MAX_REQUEST_BYTES`, docs/limits.md). */
  readonly maxRequestBytes: number;
  /** How step code is isolated (SANDBOX_*; DESIGN.md §5, docs/sandbox.md): the executor's steps, the registry's stdio probe. */
  readonly sandbox: SandboxConfig;
  /** API keys (DESIGN.md §5; `libs/runtime/src/auth`). */
  readonly auth: {
    /** Mutating and executing RPCs need a key. Default: on with Redis (multi-node) or an OIDC issuer, off otherwise. */
    readonly enabled: boolean;
    /** The key this service presents when it calls another service. Never log it. */
    readonly serviceApiKey: string | undefined;
    /** How long a looked-up key or membership is cached; a revocation takes effect within this. */
    readonly cacheMs: number;
    /**
     * Emails of people who are admins of the `default` workspace whatever `workspace_members` says
     * (`BOOTSTRAP_ADMIN_EMAILS`, comma-separated, lower-cased): how the first admin gets in (docs/adr/022).
     */
    readonly bootstrapAdminEmails: readonly string[];
  };
  /** Sign-in with OpenID Connect (docs/adr/023): bearer JWTs from this issuer are accepted beside API keys. Unset = keys only. */
  readonly oidc: OidcConfig | undefined;
}

/** Which OpenID Connect tokens a service accepts (OIDC_*). */
export interface OidcConfig {
  /** `OIDC_ISSUER_URL`: the provider; its discovery document names the JWKS. Tokens' `iss` must equal it. */
  readonly issuerUrl: string;
  /** `OIDC_CLIENT_ID`: the console's and the CLI's client id at the provider. */
  readonly clientId: string | undefined;
  /** `OIDC_AUDIENCE` (comma-separated; default the client id): a token's `aud` must name one of these. */
  readonly audiences: readonly string[];
  /** `OIDC_CLOCK_SKEW_SECONDS`: tolerance on `exp`, `nbf` and `iat`. */
  readonly clockSkewSeconds: number;
  /** `OIDC_LAST_SEEN_MINUTES`: a user's `last_seen` is refreshed at most this often per process. */
  readonly lastSeenMinutes: number;
  /** `OIDC_JWKS_COOLDOWN_MS`: least time between two JWKS fetches prompted by an unknown key id. */
  readonly jwksCooldownMs: number;
}

/** Thrown when the environment does not describe a runnable service; the message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const port = (name: string) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .int(`${name} must be an integer`)
    .min(0, `${name} must be between 0 and 65535`)
    .max(65535, `${name} must be between 0 and 65535`);

const url = (name: string, protocols: readonly string[]) =>
  z.string().refine(
    (v) => {
      try {
        return protocols.includes(new URL(v).protocol);
      } catch {
        return false;
      }
    },
    { error: `${name} must be a URL starting with ${protocols.map((p) => `${p}//`).join(" or ")}` },
  );

const empty = (v: unknown) => (v === "" ? undefined : v);

const envSchema = z.object({
  HOST: z.string().min(1).default("0.0.0.0"),
  PORT: z.preprocess(empty, port("PORT").optional()),
  DATABASE_URL: z.preprocess(empty, url("DATABASE_URL", ["postgres:", "postgresql:"]).optional()),
  POSTGRES_HOST: z.preprocess(empty, z.string().default("127.0.0.1")),
  POSTGRES_PORT: z.preprocess(empty, port("POSTGRES_PORT").default(5432)),
  POSTGRES_USER: z.preprocess(empty, z.string().default("postgres")),
  POSTGRES_PASSWORD: z.preprocess(empty, z.string().optional()),
  POSTGRES_DB: z.preprocess(empty, z.string().default("mcp")),
  DB_MIGRATIONS: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.toLowerCase() : undefined),
    z
      .enum(MIGRATION_MODES, { error: `DB_MIGRATIONS must be one of ${MIGRATION_MODES.join(", ")}` })
      .default("run"),
  ),
  REDIS_URL: z.preprocess(
    empty,
    z
      .string()
      .regex(/^rediss?(\+sentinel)?:\/\/\S+$/i, {
        error:
          "REDIS_URL must be a URL starting with redis://, rediss:// (TLS), redis+sentinel:// or " +
          "rediss+sentinel:// (Sentinel: host:port[,host:port…]/<master name>)",
      })
      .optional(),
  ),
  REDIS_HOST: z.preprocess(empty, z.string().optional()),
  REDIS_PORT: z.preprocess(empty, port("REDIS_PORT").default(6379)),
  REGISTRY_URL: z.preprocess(
    empty,
    url("REGISTRY_URL", ["http:", "https:"]).default("http://127.0.0.1:50051"),
  ),
  WORKFLOWS_URL: z.preprocess(
    empty,
    url("WORKFLOWS_URL", ["http:", "https:"]).default("http://127.0.0.1:50052"),
  ),
  LOG_LEVEL: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.toLowerCase() : undefined),
    z.enum(LOG_LEVELS, { error: `LOG_LEVEL must be one of ${LOG_LEVELS.join(", ")}` }).default("info"),
  ),
  LOG_FORMAT: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.toLowerCase() : undefined),
    z.enum(LOG_FORMATS, { error: `LOG_FORMAT must be one of ${LOG_FORMATS.join(", ")}` }).default("auto"),
  ),
  CORS_ORIGINS: z.preprocess(empty, z.string().default("*")),
  SHUTDOWN_GRACE_MS: z.preprocess(empty, z.coerce.number().int().min(0).max(600_000).default(10_000)),
  MAX_REQUEST_BYTES: z.preprocess(
    empty,
    z.coerce
      .number({ error: "MAX_REQUEST_BYTES must be a number of bytes" })
      .int("MAX_REQUEST_BYTES must be a whole number of bytes")
      .min(65_536, "MAX_REQUEST_BYTES must be at least 65536 (64 KiB)")
      .max(1_073_741_824, "MAX_REQUEST_BYTES must be at most 1073741824 (1 GiB)")
      .default(DEFAULT_MAX_REQUEST_BYTES),
  ),
  AUTH_ENABLED: z.preprocess(
    (v) => (typeof v === "string" && v !== "" ? v.toLowerCase() : undefined),
    z
      .enum(["true", "false", "1", "0", "yes", "no", "on", "off"], {
        error: "AUTH_ENABLED must be true or false",
      })
      .optional(),
  ),
  SERVICE_API_KEY: z.preprocess(
    empty,
    z
      .string()
      .regex(/^mcp_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/, {
        error: "SERVICE_API_KEY must be a key printed by `npm run keys -- create` (mcp_<id>_<secret>)",
      })
      .optional(),
  ),
  AUTH_CACHE_MS: z.preprocess(empty, z.coerce.number().int().min(0).max(300_000).default(30_000)),
  OIDC_ISSUER_URL: z.preprocess(empty, url("OIDC_ISSUER_URL", ["http:", "https:"]).optional()),
  OIDC_CLIENT_ID: z.preprocess(empty, z.string().trim().min(1).optional()),
  OIDC_AUDIENCE: z.preprocess(empty, z.string().optional()),
  OIDC_CLOCK_SKEW_SECONDS: z.preprocess(
    empty,
    z.coerce
      .number({ error: "OIDC_CLOCK_SKEW_SECONDS must be a number of seconds" })
      .int()
      .min(0)
      .max(300, "OIDC_CLOCK_SKEW_SECONDS must be at most 300")
      .default(30),
  ),
  OIDC_LAST_SEEN_MINUTES: z.preprocess(
    empty,
    z.coerce.number({ error: "OIDC_LAST_SEEN_MINUTES must be a number" }).min(0).max(1440).default(5),
  ),
  OIDC_JWKS_COOLDOWN_MS: z.preprocess(
    empty,
    z.coerce
      .number({ error: "OIDC_JWKS_COOLDOWN_MS must be a number" })
      .int()
      .min(0)
      .max(3_600_000)
      .default(30_000),
  ),
  BOOTSTRAP_ADMIN_EMAILS: z.preprocess(
    empty,
    z
      .string()
      .transform((list) =>
        list
          .split(",")
          .map((e) => e.trim().toLowerCase())
          .filter(Boolean),
      )
      .refine((emails) => emails.every((e) => /^[^@\s]+@[^@\s]+$/.test(e)), {
        error: "BOOTSTRAP_ADMIN_EMAILS must be comma-separated email addresses",
      })
      .default([]),
  ),
});

/** The OIDC section, or undefined without an issuer; a problem line when the audience cannot be known. */
function oidcConfig(e: z.infer<typeof envSchema>): { value?: OidcConfig; problem?: string } {
  if (e.OIDC_ISSUER_URL === undefined) return {};
  const audiences = (e.OIDC_AUDIENCE ?? e.OIDC_CLIENT_ID ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  if (audiences.length === 0)
    return { problem: "OIDC_CLIENT_ID (or OIDC_AUDIENCE) must be set with OIDC_ISSUER_URL" };
  return {
    value: Object.freeze({
      issuerUrl: e.OIDC_ISSUER_URL,
      clientId: e.OIDC_CLIENT_ID,
      audiences: Object.freeze(audiences),
      clockSkewSeconds: e.OIDC_CLOCK_SKEW_SECONDS,
      lastSeenMinutes: e.OIDC_LAST_SEEN_MINUTES,
      jwksCooldownMs: e.OIDC_JWKS_COOLDOWN_MS,
    }),
  };
}

/**
 * Parses the environment into a frozen {@link ServiceConfig}. Throws {@link ConfigError} naming
 * every bad variable. `DATABASE_URL` wins over the `POSTGRES_*` parts; `REDIS_URL` over `REDIS_HOST/PORT`.
 */
export function loadConfig(service: ServiceName, env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const parsed = envSchema.safeParse(env);
  const sandbox = sandboxConfigFromEnv(env);
  const problems = [...(parsed.success ? [] : zodProblems(parsed.error)), ...sandbox.problems];
  if (!parsed.success || !("config" in sandbox)) throw new ConfigError(problems);
  const e = parsed.data;
  const oidc = oidcConfig(e);
  if (oidc.problem) throw new ConfigError([oidc.problem]);
  const databaseUrl =
    e.DATABASE_URL ??
    `postgres://${encodeURIComponent(e.POSTGRES_USER)}${
      e.POSTGRES_PASSWORD ? `:${encodeURIComponent(e.POSTGRES_PASSWORD)}` : ""
    }@${e.POSTGRES_HOST}:${e.POSTGRES_PORT}/${encodeURIComponent(e.POSTGRES_DB)}`;
  const redisUrl = e.REDIS_URL ?? (e.REDIS_HOST ? `redis://${e.REDIS_HOST}:${e.REDIS_PORT}` : undefined);
  return Object.freeze({
    service,
    host: e.HOST,
    port: e.PORT ?? DEFAULT_PORTS[service],
    databaseUrl,
    migrations: e.DB_MIGRATIONS,
    redisUrl,
    registryUrl: e.REGISTRY_URL,
    workflowsUrl: e.WORKFLOWS_URL,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT,
    corsOrigins: Object.freeze(
      e.CORS_ORIGINS.split(",")
        .map((o) => o.trim())
        .filter(Boolean),
    ),
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
    maxRequestBytes: e.MAX_REQUEST_BYTES,
    sandbox: sandbox.config,
    auth: Object.freeze({
      enabled:
        e.AUTH_ENABLED === undefined
          ? redisUrl !== undefined || oidc.value !== undefined
          : ["true", "1", "yes", "on"].includes(e.AUTH_ENABLED),
      serviceApiKey: e.SERVICE_API_KEY,
      cacheMs: e.AUTH_CACHE_MS,
      bootstrapAdminEmails: Object.freeze(e.BOOTSTRAP_ADMIN_EMAILS),
    }),
    oidc: oidc.value,
  });
}

/** A zod error's issues as the problem lines a ConfigError lists ("VAR: what is wrong"). */
export function zodProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ` : "") + i.message);
}

/**
 * A service's own configuration section beside the common one: parses `env` with `schema`, and
 * throws one ConfigError listing the common problems (from `common`) and its own together.
 */
export function withSection<C extends ServiceConfig, S>(
  common: () => C,
  section: (env: NodeJS.ProcessEnv) => { readonly value?: S; readonly problems: readonly string[] },
  env: NodeJS.ProcessEnv,
): { readonly config: C; readonly section: S } {
  let config: C | undefined;
  const problems: string[] = [];
  try {
    config = common();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
  const own = section(env);
  problems.push(...own.problems);
  if (config === undefined || own.value === undefined || problems.length > 0) throw new ConfigError(problems);
  return { config, section: own.value };
}

/** Hides the password of a connection URL for logs. */
export function redactUrl(value: string): string {
  try {
    const u = new URL(value);
    if (u.password) u.password = "***";
    return u.toString();
  } catch {
    // Not a WHATWG URL (a Sentinel list `redis+sentinel://a:1,b:2/m`): hide what follows "user:".
    const match = /^([a-z+]+:\/\/)(?:([^:@/]*):[^@]*@)?([^@]*)$/i.exec(value);
    return match
      ? `${match[1]}${match[2] !== undefined ? `${match[2]}:***@` : ""}${match[3]}`
      : "<invalid url>";
  }
}

/**
 * A short, stable name for the database a URL points at (host, port and database, not the user or
 * password). Caches shared through one Redis are namespaced by it, so two deployments (or test runs)
 * on different databases never read each other's entries.
 */
export function databaseScope(value: string): string {
  try {
    const u = new URL(value);
    return `${u.hostname}:${u.port || "5432"}${u.pathname}`.replace(/[^A-Za-z0-9_.:/-]/g, "_");
  } catch {
    return "default";
  }
}
