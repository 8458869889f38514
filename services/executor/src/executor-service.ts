import { create, toJson } from "@bufbuild/protobuf";
import { ValueSchema } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import {
  CancelRunResponseSchema,
  DecideApprovalResponseSchema,
  SignalRunResponseSchema,
  TailStepLogsResponseSchema,
  ExecuteWorkflowResponseSchema,
  GetRunResponseSchema,
  ListRunsResponseSchema,
  RerunRunResponseSchema,
  ResolveRunIdResponseSchema,
  RunMcpResponseSchema,
  WatchRunResponseSchema,
  type ExecutorService,
} from "@mcp/proto/executor";
import type { RunCanceller } from "./runs/run-canceller.js";
import type { RunIdResolver } from "./runs/run-id-resolver.js";
import type { RunLauncher } from "./runs/run-launcher.js";
import type { RunReader } from "./runs/run-reader.js";
import type { RunStarter } from "./runs/run-starter.js";
import type { RunWatcher } from "./runs/run-watcher.js";
import type { RunSignals } from "./runs/run-signals.js";
import { callAuditKey, callInfoKey, callWorkspace } from "@mcp/runtime";
import { runStats, type RunStatsSource } from "./runs/run-stats-report.js";
import { tailStepLogs, type StepLogSources } from "./runs/step-log-tail.js";

/** The run modules the handlers delegate to. */
export interface ExecutorDeps {
  readonly starter: RunStarter;
  readonly launcher: RunLauncher;
  readonly reader: RunReader;
  readonly watcher: RunWatcher;
  readonly canceller: RunCanceller;
  readonly signals: RunSignals;
  /** The runs and live output TailStepLogs reads. */
  readonly logs: StepLogSources;
  /** The aggregates GetRunStats reads. */
  readonly stats: RunStatsSource;
  readonly resolver: RunIdResolver;
}

/** ExecutorService over the run modules. Requests arrive validated; handlers only translate. */
export function executorService(deps: ExecutorDeps): ServiceImpl<typeof ExecutorService> {
  const { starter, launcher, reader, watcher, canceller, signals, logs, stats, resolver } = deps;
  return {
    async executeWorkflow(req, ctx) {
      const launched = await launcher.launch(
        (claim) =>
          starter
            .forCall(ctx.values.get(callAuditKey))
            .workflow(callWorkspace(ctx), req.workflow!, req.inputs ?? {}, req.requestId, null, claim),
        { wait: req.wait, waitTimeoutSeconds: req.waitTimeoutSeconds, signal: ctx.signal },
      );
      return create(ExecuteWorkflowResponseSchema, launched);
    },

    async getRun(req, ctx) {
      return create(GetRunResponseSchema, { run: await reader.get(callWorkspace(ctx), req.id) });
    },

    async resolveRunId(req, ctx) {
      return create(ResolveRunIdResponseSchema, {
        id: await resolver.resolve(callWorkspace(ctx), req.prefix),
      });
    },

    async listRuns(req, ctx) {
      return create(ListRunsResponseSchema, await reader.list(callWorkspace(ctx), req));
    },

    async *watchRun(req, ctx) {
      for await (const event of watcher.watch(callWorkspace(ctx), req.id, ctx.signal)) {
        yield create(WatchRunResponseSchema, { event });
      }
    },

    async cancelRun(req, ctx) {
      await canceller.cancel(callWorkspace(ctx), req.id, req.reason);
      return create(CancelRunResponseSchema, { run: await reader.get(callWorkspace(ctx), req.id) });
    },

    async runMcp(req, ctx) {
      const launched = await launcher.launch(
        (claim) =>
          starter
            .forCall(ctx.values.get(callAuditKey))
            .mcp(callWorkspace(ctx), req.mcp!, req.inputs ?? {}, req.requestId, claim),
        { wait: req.wait, waitTimeoutSeconds: req.waitTimeoutSeconds, signal: ctx.signal },
      );
      return create(RunMcpResponseSchema, launched);
    },

    async rerunRun(req, ctx) {
      const launched = await launcher.launch(
        (claim) =>
          starter
            .forCall(ctx.values.get(callAuditKey))
            .rerun(callWorkspace(ctx), req.runId, req.fromStepId, req.resolveLabel, req.requestId, claim),
        { wait: req.wait, waitTimeoutSeconds: req.waitTimeoutSeconds, signal: ctx.signal },
      );
      return create(RerunRunResponseSchema, launched);
    },

    async signalRun(req, ctx) {
      const sent = await signals.signal({
        workspace: callWorkspace(ctx),
        runId: req.runId,
        signal: req.signal,
        payload: req.payload ? toJson(ValueSchema, req.payload) : null,
        requestId: req.requestId,
        sentBy: ctx.values.get(callInfoKey)?.principal,
      });
      return create(SignalRunResponseSchema, sent);
    },

    async decideApproval(req, ctx) {
      const run = await signals.decide({
        workspace: callWorkspace(ctx),
        runId: req.runId,
        stepId: req.stepId,
        approve: req.approve,
        comment: req.comment,
        decidedBy: ctx.values.get(callInfoKey)?.principal,
      });
      return create(DecideApprovalResponseSchema, { run });
    },

    async *tailStepLogs(req, ctx) {
      for await (const chunk of tailStepLogs(logs, req, ctx.signal, callWorkspace(ctx))) {
        yield create(TailStepLogsResponseSchema, chunk);
      }
    },

    async getRunStats(req, ctx) {
      return runStats(stats, callWorkspace(ctx), req);
    },
  };
}
