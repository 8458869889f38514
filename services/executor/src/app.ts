import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { countedLocks, openLocksAndEvents, openRateLimiter } from "@mcp/coordination";
import {
  ExecutorSession,
  ExecutorSessions,
  FencedWrites,
  RunPermits,
  RunQueries,
  RunRetention,
  RunStats,
  RunStore,
  RunWaits,
  SecretStore,
  TableStatistics,
  TriggerStore,
} from "@mcp/db";
import { RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { coordinationMetrics, createServiceClient, type Logger, type RunningServer } from "@mcp/runtime";
import type { ExecutorConfig } from "./config.js";
import { runMetrics } from "./runs/run-metrics.js";
import { LlmUsageMeter } from "./usage/llm-usage.js";
import { openFoundation, openSandbox, reportSandboxHealth } from "@mcp/service-base";
import { Definitions } from "./definitions/definitions.js";
import { RunEvents } from "./events/run-events.js";
import { StepLogs } from "./events/step-logs.js";
import { withLiveOutput } from "./runners/live-output.js";
import type { RunnerFor } from "./step/index.js";
import { createRunners } from "./runners/index.js";
import { withStepSecrets } from "./runners/step-secrets.js";
import { withStorableResults } from "./runners/storable-results.js";
import { RunCanceller } from "./runs/run-canceller.js";
import { RunSignals } from "./runs/run-signals.js";
import { RunDriver } from "./runs/run-driver.js";
import { RunLauncher } from "./runs/run-launcher.js";
import { EndedRuns } from "./runs/ended-runs.js";
import { RunIdResolver } from "./runs/run-id-resolver.js";
import { runWorkspace } from "./runs/run-workspace.js";
import { RunReader } from "./runs/run-reader.js";
import { RunStarter } from "./runs/run-starter.js";
import { RunWatcher } from "./runs/run-watcher.js";
import { RunWorker, type Reservation } from "./runs/run-worker.js";
import { EndedSessionWatch } from "./runs/ended-session-watch.js";
import { SecretVault } from "./secrets/index.js";
import { RetentionLoop, RunPruner, retentionMetrics } from "./retention/index.js";
import { StatisticsLoop } from "./statistics/statistics-loop.js";
import { openSchedules } from "./schedules/open-schedules.js";
import { build } from "./server.js";
import { Triggers, WebhookDeliveries, webhookRoute } from "./triggers/index.js";

/**
 * Replaces parts of the executor for measurement: `npm run bench` drives the real engine, store and
 * services with a runner that does nothing, to measure orchestration overhead alone.
 */
export interface ExecutorOverrides {
  readonly runnerFor?: RunnerFor;
}

/** A started executor and how to stop it. */
export interface ExecutorApp {
  readonly server: RunningServer;
  /** This replica's identity in `workflow_runs.owner`. */
  readonly owner: string;
  /** The secrets store (the one instance SecretService and the steps use). */
  readonly secrets: SecretVault;
  stop(): Promise<void>;
}

/**
 * The executor's composition root: PostgreSQL (migrations), cache, locks and run events (Redis or in
 * process), gRPC clients of the workflows and registry services, the run worker that claims and
 * drives runs (recovering abandoned ones), the secrets vault, ExecutorService and SecretService.
 */
export async function startExecutor(
  config: ExecutorConfig,
  logger: Logger,
  overrides: ExecutorOverrides = {},
): Promise<ExecutorApp> {
  const base = await openFoundation("executor", config, logger, { poolSize: 20 });
  const { dataSource, metrics } = base;
  const coordination = openLocksAndEvents({ redisUrl: config.redisUrl, logger, name: "executor" });
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  // the keyring is logged by key id only (it never serialises its keys; listed here to be sure)
  const { secrets: keyring, ...tunables } = config.executor;
  logger.info(
    { owner, coordination: coordination.mode, ...tunables, secretsKeyIds: keyring?.ids ?? [] },
    "executor identity",
  );
  if (!keyring) {
    logger.warn(
      "SECRETS_KEY is not set: the secrets store is off (SecretService answers FAILED_PRECONDITION and steps that name secrets fail)",
    );
  }
  /** The one secrets vault of this executor: SecretService's, and what steps get their secrets from. */
  const secrets = new SecretVault(new SecretStore(dataSource), keyring);
  /** Where every process a step starts runs (checked by a trial run now). */
  const sandbox = await openSandbox(config, logger, metrics);

  const apiKey = config.auth.serviceApiKey;
  const definitions = new Definitions(
    createServiceClient(WorkflowService, config.workflowsUrl, {
      timeoutMs: 10_000,
      apiKey,
      from: "executor",
    }),
    createServiceClient(RegistryService, config.registryUrl, { timeoutMs: 10_000, apiKey, from: "executor" }),
    base.cache,
    // with Redis the registry and workflows services invalidate the same cache (catalog generation)
    base.cacheKind === "redis",
  );
  const store = new RunStore(dataSource);
  const queries = new RunQueries(dataSource);
  const events = new RunEvents(coordination.bus, (err) =>
    logger.warn({ err }, "could not publish a run event"),
  );
  const stepLogs = new StepLogs(
    coordination.bus,
    undefined,
    (err) => logger.warn({ err }, "could not publish a step's live output"),
    events,
  );
  const starter = new RunStarter(definitions, store, queries);
  const permits = new RunPermits(dataSource);
  const watcher = new RunWatcher(queries, events, undefined, permits);
  const waits = new RunWaits(dataSource);
  const canceller = new RunCanceller(store, events, (runId) => queries.liveChildren(runId));
  // waited-for runs' ends, handed from the driver to the waiting caller (docs/adr/029)
  const endedRuns = new EndedRuns();
  const driver = new RunDriver({
    store,
    endedRuns,
    writes: new FencedWrites(dataSource),
    queries,
    waits,
    permits,
    events,
    locks: countedLocks(coordination.locks, coordinationMetrics(metrics)),
    runnerFor: withLiveOutput(
      withStorableResults(
        withStepSecrets(
          overrides.runnerFor ??
            createRunners({ sandbox, serverMemoryBytes: config.sandbox.serverMemoryBytes }),
          // a step's secrets come from its run's workspace (docs/adr/021)
          { reveal: async (runId, names) => secrets.reveal(await runWorkspace(queries, runId), names) },
        ),
      ),
      stepLogs,
    ),
    // admission of the fallback run, like every other (the launcher is built below, called later)
    startFallback: (failed, workflowName): Promise<string> => launcher.fallback(failed, workflowName),
    // a sub-workflow step's child run, admitted like every other run
    launchChild: (parent, stepId, attempt, ref, inputs, timeoutSeconds): Promise<string> =>
      launcher.child((claim) =>
        starter.subWorkflow(parent, stepId, attempt, ref, inputs, claim, timeoutSeconds),
      ),
    cancelChildren: (runId, reason): Promise<void> => canceller.cancelChildren(runId, reason),
    logger,
    lease: {
      leaseMs: config.executor.leaseMs,
      startWriteDelayMs: config.executor.startWriteDelayMs,
      maxRecoveries: config.executor.maxRecoveries,
    },
    metrics: runMetrics(metrics),
    usage: new LlmUsageMeter(config.executor.llmPrices, metrics),
  });
  // fast failover (ADR 024): this executor's session shows it alive; the watch finds dead ones
  const failoverPollMs = config.executor.failoverPollMs;
  const session =
    failoverPollMs > 0
      ? new ExecutorSession(dataSource, {
          owner,
          onChange: (held, err) => {
            if (held) logger.info("executor session held again");
            else logger.warn({ err }, "executor session lost: claiming no runs until it is back");
            worker.sessionChanged(held);
          },
        })
      : undefined;
  const worker = new RunWorker(store, driver, events, logger, {
    owner,
    leaseMs: config.executor.leaseMs,
    maxConcurrentRuns: config.executor.maxConcurrentRuns,
    pollMs: config.executor.pollMs,
    ...(session ? { session } : {}),
  });
  const endedSessions =
    failoverPollMs > 0
      ? new EndedSessionWatch(new ExecutorSessions(dataSource), logger, {
          owner,
          pollMs: failoverPollMs,
          onEnded: (owners) => worker.takeOver(owners),
        })
      : undefined;

  const reader = new RunReader(queries, watcher, definitions, permits);
  const launcher = new RunLauncher({
    starter,
    reader,
    watcher,
    reserve: (): Reservation | undefined => worker.reserve(),
    // a run created when this executor is full is driven by whichever executor is free first
    wake: (runId) => events.wake(runId),
    endedRuns,
  });
  // webhook triggers: their deliveries start runs like ExecuteWorkflow, rate-limited per trigger
  const rateLimits = openRateLimiter({ redisUrl: config.redisUrl, logger, name: "executor" });
  const triggers = new Triggers(new TriggerStore(dataSource), keyring, (workspace) =>
    definitions.current(workspace),
  );
  const deliveries = new WebhookDeliveries({
    triggers,
    starter,
    launcher,
    queries,
    limiter: rateLimits.limiter,
  });
  const retention = config.executor.retention;
  const pruner = new RunPruner(
    new RunRetention(dataSource),
    { batchRuns: retention.batchRuns, pauseMs: retention.pauseMs, defaultDays: retention.days },
    retentionMetrics(metrics),
  );
  const retentionLoop = new RetentionLoop(pruner, logger, retention);
  const statisticsLoop = new StatisticsLoop(
    new TableStatistics(dataSource),
    logger,
    config.executor.statisticsCheckMs,
  );
  const schedules = openSchedules({
    dataSource,
    definitions,
    starter,
    launcher,
    reader,
    canceller,
    findRun: (workspace, requestId) => queries.findByRequestId(workspace, requestId),
    logger,
    metrics,
    owner,
    claimMs: config.executor.leaseMs,
    pollMs: config.executor.schedulePollMs,
  });
  const built = build({
    starter,
    launcher,
    reader,
    watcher,
    canceller,
    signals: new RunSignals(waits, reader, events),
    logs: {
      run: (workspace, runId) => reader.get(workspace, runId),
      follow: (runId, stepId, onMessage) => stepLogs.follow(runId, stepId, onMessage),
    },
    stats: new RunStats(dataSource),
    resolver: new RunIdResolver(queries),
    secrets,
    triggers,
    httpRoutes: webhookRoute((delivery) => deliveries.deliver(delivery), {
      maxBodyBytes: config.executor.webhookMaxBodyBytes,
      logger,
    }),
    pruner,
    schedules,
  });
  // held before the server answers: a run created by this executor is claimed by it from the first call
  await session?.open().catch((err: unknown) => {
    logger.warn({ err }, "could not open the executor session; claiming runs once it is open");
  });
  const server = await base.serve(built, { callsOtherServices: true });
  reportSandboxHealth(server, sandbox);
  await worker.start();
  endedSessions?.start();
  retentionLoop.start();
  statisticsLoop.start();
  schedules.ticker?.start();
  return {
    server,
    owner,
    secrets,
    stop: () =>
      base.stop(server, async () => {
        await retentionLoop.stop();
        await statisticsLoop.stop();
        await schedules.ticker?.stop();
        endedSessions?.stop();
        await worker.stop(config.shutdownGraceMs);
        // nothing runs in it any more: its watchdog ends what is left and removes its folder
        await sandbox.close();
        await events.drain();
        await session?.close();
        await coordination.close();
        await rateLimits.close();
      }),
  };
}
