import type { Registry } from "prom-client";
import { counter, gauge, histogram } from "@mcp/runtime";

/**
 * The executor's run and step metrics:
 * - `mcp_runs_total{status}`: finished runs by final status (`succeeded`, `failed`, `cancelled`, …).
 * - `mcp_runs_active`: runs this process is driving now.
 * - `mcp_step_duration_seconds{mcp_type, status}`: finished steps (child tool calls included) by MCP
 *   type (`python_script`, `mcp_tool`, …) and final status.
 * - `mcp_runs_recovery_limit_total`: runs ended with RECOVERY_LIMIT (taken over too often without
 *   progress).
 * - `mcp_run_write_retries_total`: run-path writes tried again because PostgreSQL was unreachable.
 */
export function runMetrics(registry: Registry) {
  const finished = counter(registry, {
    name: "mcp_runs_total",
    help: "Finished runs by final status.",
    labelNames: ["status"],
  });
  const active = gauge(registry, {
    name: "mcp_runs_active",
    help: "Runs being driven by this process.",
    labelNames: [],
  });
  const steps = histogram(registry, {
    name: "mcp_step_duration_seconds",
    help: "Step duration in seconds by MCP type and final status.",
    labelNames: ["mcp_type", "status"],
  });
  const recoveryLimited = counter(registry, {
    name: "mcp_runs_recovery_limit_total",
    help: "Runs ended with RECOVERY_LIMIT: taken over too often without any step finishing.",
    labelNames: [],
  });
  const writeRetries = counter(registry, {
    name: "mcp_run_write_retries_total",
    help: "Run-path database writes tried again because PostgreSQL was unreachable.",
    labelNames: [],
  });
  return {
    recoveryLimitReached(): void {
      recoveryLimited.inc();
    },
    writeRetried(): void {
      writeRetries.inc();
    },
    runStarted(): void {
      active.inc();
    },
    runStopped(): void {
      active.dec();
    },
    runFinished(status: string): void {
      finished.inc({ status });
    },
    stepFinished(mcpType: string, status: string, durationMs: number): void {
      steps.observe({ mcp_type: mcpType, status }, durationMs / 1000);
    },
  };
}
