/**
 * An executor in its own process, for the recovery benchmark (which SIGKILLs it): the real composition
 * root with the benchmark runner injected, wired like `services/executor/src/main.ts`.
 */
import { startExecutor } from "@mcp/executor/app";
import { loadExecutorConfig } from "@mcp/executor/config";
import { runService } from "@mcp/runtime";
import { benchRunner } from "./runners";

runService(
  "executor",
  (config, logger) => startExecutor(config, logger, { runnerFor: benchRunner }),
  loadExecutorConfig,
);
