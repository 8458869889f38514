/**
 * `npm start`: runs every built service (those with a `services/<name>/src/main.ts`) and prints
 * where they listen once each answers gRPC health. Ctrl-C / SIGTERM stops the services, then the
 * embedded PostgreSQL, and exits 0.
 *
 * - PostgreSQL: `DATABASE_URL` → that server; else `POSTGRES_HOST` (and the other `POSTGRES_*`) →
 *   that server, creating the database when missing; neither → an embedded PostgreSQL with its data
 *   in `$MCP_DATA_DIR/postgres` (default `.data/postgres`, kept between starts), on `POSTGRES_PORT`
 *   or a free port (picked once the cluster is initialised, and again if it was taken before
 *   PostgreSQL bound it), database `POSTGRES_DB` (default `mcp`).
 * - Redis: `REDIS_URL` (or `REDIS_HOST`) → each service its own child process, as in production;
 *   neither → single-node mode: all services in this process with in-process cache, locks and events.
 * - SECRETS_KEY (the executor's secrets store): when unset, a random key created once in
 *   `$MCP_DATA_DIR/secrets.key` (mode 0600) and reused at every start (see `start/secrets-key.ts`).
 * - SERVICE_API_KEY: with authentication on (the default with Redis) and none given, a new `viewer`
 *   key for the services' calls to each other, made at every start (see `start/service-key.ts`).
 * - Web console: served from this process on `CONSOLE_PORT` (default 8080, `off` = none), built
 *   first when `console/dist` is missing (see `start/console.ts`).
 */
import { resolve } from "node:path";
import { ConfigError, createLogger, loadConfig, loadDotEnv, startTracing } from "@mcp/runtime";
import { startInProcess } from "./single-node/in-process.js";
import { startEmbeddedPostgres } from "./single-node/postgres.js";
import { banner, type BannerFacts } from "./start/banner.js";
import { describeExit, isRunning, spawnService, stopAll, type ServiceChild } from "./start/children.js";
import { consoleConfig, prepareConsole, serveConsole } from "./start/console.js";
import { databaseSource, ensureDatabase } from "./start/database.js";
import { waitUntilServing } from "./start/health.js";
import { childEnv, LaunchError, planServices, type ServicePlan } from "./start/plan.js";
import { ensureServiceKey } from "./start/service-key.js";
import { ensureSecretsKey } from "./start/secrets-key.js";
import { Shutdown } from "./start/shutdown.js";

const ROOT = resolve(__dirname, "..");
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;

const say = (message: string) => process.stderr.write(`start: ${message}\n`);

function sharedConfig(env: NodeJS.ProcessEnv) {
  try {
    // PORT is set per service; the rest (database, Redis, log level, ...) is what every service will read.
    return loadConfig("registry", { ...env, PORT: undefined });
  } catch (err) {
    if (err instanceof ConfigError) throw new LaunchError(err.message, 2);
    throw err;
  }
}

function embeddedPort(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env["POSTGRES_PORT"];
  if (raw === undefined || raw === "") return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new LaunchError(`POSTGRES_PORT must be a port number between 1 and 65535 (got "${raw}")`, 2);
  return port;
}

/** Where `npm start` keeps its data: `MCP_DATA_DIR`, default `.data` in the repository. */
const dataDirOf = (env: NodeJS.ProcessEnv) => resolve(env["MCP_DATA_DIR"] || resolve(ROOT, ".data"));

/** Sets `env.DATABASE_URL` to a database that exists; says how in the banner's terms. */
async function prepareDatabase(env: NodeJS.ProcessEnv, shutdown: Shutdown): Promise<BannerFacts["database"]> {
  const source = databaseSource(env);
  if (source === "url") return { kind: "external", created: false };
  if (source === "postgres-host") {
    const created = await ensureDatabase(sharedConfig(env).databaseUrl);
    return { kind: "external", created };
  }
  const baseDir = dataDirOf(env);
  say(`no DATABASE_URL or POSTGRES_HOST: starting an embedded PostgreSQL (data in ${baseDir}/postgres)`);
  const pg = await startEmbeddedPostgres({ baseDir, port: embeddedPort(env) });
  shutdown.add({ name: "embedded PostgreSQL", stop: () => pg.stop(), killNow: () => pg.killNow() });
  say(`embedded PostgreSQL ${pg.initialised ? "initialised and " : ""}listening on 127.0.0.1:${pg.port}`);
  env["DATABASE_URL"] = pg.urlFor(env["POSTGRES_DB"] || "mcp");
  await ensureDatabase(env["DATABASE_URL"]);
  return { kind: "embedded", dataDir: pg.dataDir, initialised: pg.initialised };
}

/** Production-like: one child process per service. */
function startChildren(plans: readonly ServicePlan[], env: NodeJS.ProcessEnv, shutdown: Shutdown): void {
  const children: ServiceChild[] = [];
  shutdown.add({
    name: "services",
    stop: async () => {
      const killed = await stopAll(children, STOP_GRACE_MS);
      if (killed.length) say(`force-killed after ${STOP_GRACE_MS / 1000} s: ${killed.join(", ")}`);
    },
    killNow: () => {
      for (const child of children) if (isRunning(child)) child.process.kill("SIGTERM");
    },
  });
  const prefix = process.stdout.isTTY === true;
  for (const plan of plans) {
    const child = spawnService(ROOT, plan, childEnv(plan, env), prefix);
    children.push(child);
    void child.exited.then((exit) =>
      shutdown.run(1, `${plan.name} stopped unexpectedly (${describeExit(exit)}); stopping the others`),
    );
  }
}

async function main(shutdown: Shutdown): Promise<void> {
  loadDotEnv(resolve(ROOT, ".env"));
  const env: NodeJS.ProcessEnv = { ...process.env };
  const plans = planServices(ROOT, env);
  if (plans.length === 0) throw new LaunchError("nothing to start: no services/<name>/src/main.ts exists");
  // Refuse bad configuration before starting anything.
  const { logLevel, logFormat } = sharedConfig(env);
  // services started as children write through a pipe: they are told what this terminal is
  if (logFormat === "auto") env["LOG_FORMAT"] = process.stdout.isTTY ? "pretty" : "json";
  const webConsole = consoleConfig(ROOT, env);
  const consoleLogger = createLogger({ service: "console", level: logLevel, format: logFormat });
  // Built (when missing) while PostgreSQL and the services start.
  const consoleReady = prepareConsole(webConsole, consoleLogger, say, shutdown.signal);

  await ensureSecretsKey(env, dataDirOf(env), say);
  const database = await prepareDatabase(env, shutdown);
  if (shutdown.stopping) return;
  const config = sharedConfig(env);
  if (database.kind === "external" && database.created)
    say(`created database ${new URL(config.databaseUrl).pathname.slice(1)}`);
  if (config.auth.enabled) await ensureServiceKey(env, config.databaseUrl, say);

  if (config.redisUrl) {
    startChildren(plans, env, shutdown);
  } else {
    say(
      `single-node mode: no REDIS_URL, so ${plans.map((p) => p.name).join(", ")} run in this process ` +
        "with in-process cache, locks and events (set REDIS_URL to run one process per service)",
    );
    // one trace SDK for the three services of this process (OTEL_* variables; off without an endpoint)
    const tracing = await startTracing(env["OTEL_SERVICE_NAME"] || "mcp-platform", env);
    if (tracing.enabled) say("tracing: exporting spans over OTLP");
    shutdown.add({ name: "tracing", stop: () => tracing.shutdown() });
    await startInProcess(
      plans,
      env,
      (service) => shutdown.add({ name: service.name, stop: () => service.stop() }),
      shutdown.signal,
    );
  }
  if (shutdown.stopping) return;

  const healthy = await Promise.all(
    plans.map((p) => waitUntilServing(p.url, READY_TIMEOUT_MS, shutdown.signal)),
  );
  if (shutdown.stopping) return;
  const late = plans.filter((_, i) => !healthy[i]).map((p) => p.name);
  if (late.length)
    return shutdown.run(1, `not serving after ${READY_TIMEOUT_MS / 1000} s: ${late.join(", ")}; stopping`);
  const consoleFacts = await serveConsole(webConsole, consoleReady, consoleLogger, say, shutdown);
  if (shutdown.stopping) return;
  process.stdout.write(
    banner(plans, {
      databaseUrl: config.databaseUrl,
      database,
      redisUrl: config.redisUrl,
      console: consoleFacts,
    }),
  );
}

const shutdown = new Shutdown(say);
process.on("SIGINT", () => shutdown.onSignal("SIGINT"));
process.on("SIGTERM", () => shutdown.onSignal("SIGTERM"));
// Should the launcher die some other way, do not leave services or PostgreSQL behind.
process.on("exit", () => shutdown.killNow());

const startup = main(shutdown);
shutdown.during(startup);
startup.catch((err: unknown) => {
  const exitCode = err instanceof LaunchError ? err.exitCode : 1;
  const message = err instanceof LaunchError ? err.message : err instanceof Error ? err.stack : String(err);
  shutdown.run(exitCode, `${message ?? "start failed"}\nstopping`);
});
