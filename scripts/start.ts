/**
 * `npm start`: runs every built service (those with a `services/<name>/src/main.ts`) as a child
 * process on its own port, creating the default database first when DATABASE_URL is unset, and
 * prints where they listen once each answers gRPC health. Ctrl-C / SIGTERM stops them all.
 */
import { resolve } from "node:path";
import { ConfigError, loadConfig, loadDotEnv } from "@mcp/runtime";
import { banner } from "./start/banner.js";
import { describeExit, isRunning, spawnService, stopAll, type ServiceChild } from "./start/children.js";
import { ensureDatabase } from "./start/database.js";
import { waitUntilServing } from "./start/health.js";
import { childEnv, LaunchError, planServices } from "./start/plan.js";

const ROOT = resolve(__dirname, "..");
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000;

const say = (message: string) => process.stderr.write(`start: ${message}\n`);

function sharedConfig(env: NodeJS.ProcessEnv) {
  try {
    // PORT is set per child; the rest (database, Redis, log level, ...) is what every service will read.
    return loadConfig("registry", { ...env, PORT: undefined });
  } catch (err) {
    if (err instanceof ConfigError) throw new LaunchError(err.message, 2);
    throw err;
  }
}

async function main(): Promise<void> {
  loadDotEnv(resolve(ROOT, ".env"));
  const env = process.env;
  const plans = planServices(ROOT, env);
  if (plans.length === 0) throw new LaunchError("nothing to start: no services/<name>/src/main.ts exists");
  const config = sharedConfig(env);
  const databaseCreated = env["DATABASE_URL"] ? false : await ensureDatabase(config.databaseUrl);
  if (databaseCreated) say(`created database ${new URL(config.databaseUrl).pathname.slice(1)}`);

  const children: ServiceChild[] = [];
  const ready = new AbortController();
  let stopping = false;
  const stop = (exitCode: number, why: string) => {
    if (stopping) return;
    stopping = true;
    ready.abort();
    say(why);
    void stopAll(children, STOP_GRACE_MS).then((killed) => {
      if (killed.length) say(`force-killed after ${STOP_GRACE_MS / 1000} s: ${killed.join(", ")}`);
      process.exit(exitCode);
    });
  };
  process.on("SIGINT", () => stop(0, "SIGINT: stopping services"));
  process.on("SIGTERM", () => stop(0, "SIGTERM: stopping services"));
  // Should the launcher die some other way, do not leave services behind.
  process.on("exit", () => {
    for (const child of children) if (isRunning(child)) child.process.kill("SIGTERM");
  });

  const prefix = process.stdout.isTTY === true;
  for (const plan of plans) {
    const child = spawnService(ROOT, plan, childEnv(plan, env), prefix);
    children.push(child);
    void child.exited.then((exit) =>
      stop(1, `${plan.name} stopped unexpectedly (${describeExit(exit)}); stopping the others`),
    );
  }

  const healthy = await Promise.all(
    plans.map((p) => waitUntilServing(p.url, READY_TIMEOUT_MS, ready.signal)),
  );
  if (stopping) return;
  const late = plans.filter((_, i) => !healthy[i]).map((p) => p.name);
  if (late.length)
    return stop(1, `not serving after ${READY_TIMEOUT_MS / 1000} s: ${late.join(", ")}; stopping`);
  process.stdout.write(
    banner(plans, { databaseUrl: config.databaseUrl, databaseCreated, redisUrl: config.redisUrl }),
  );
}

main().catch((err: unknown) => {
  if (err instanceof LaunchError) {
    say(err.message);
    process.exit(err.exitCode);
  }
  throw err;
});
