import type { Registry } from "prom-client";
import { ScheduleStore, ScheduleTicks, type DataSource, type WorkflowRunEntity } from "@mcp/db";
import { counter, type Logger } from "@mcp/runtime";
import type { Definitions } from "../definitions/definitions.js";
import type { RunCanceller } from "../runs/run-canceller.js";
import type { RunLauncher } from "../runs/run-launcher.js";
import type { RunReader } from "../runs/run-reader.js";
import type { RunStarter } from "../runs/run-starter.js";
import { ScheduleBook } from "./schedule-book.js";
import { ScheduleFirer } from "./schedule-firer.js";
import { ScheduleTicker } from "./schedule-ticker.js";
import { ScheduleTrigger } from "./schedule-trigger.js";

/** The executor's schedules: ScheduleService's book and trigger, and the ticker that fires them. */
export interface Schedules {
  readonly book: ScheduleBook;
  readonly trigger: ScheduleTrigger;
  /** Undefined when SCHEDULE_POLL_MS is 0 (this executor fires no ticks; it still serves the API). */
  readonly ticker: ScheduleTicker | undefined;
}

/**
 * Wires the schedules over the run path (the launcher admits a tick's run like any other). Metric
 * `mcp_schedule_ticks_total{outcome}`: ticks this process fired, by outcome.
 */
export function openSchedules(deps: {
  readonly dataSource: DataSource;
  readonly definitions: Definitions;
  readonly starter: RunStarter;
  readonly launcher: RunLauncher;
  readonly reader: RunReader;
  readonly canceller: RunCanceller;
  readonly findRun: (workspace: string, requestId: string) => Promise<WorkflowRunEntity | null>;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly owner: string;
  readonly claimMs: number;
  readonly pollMs: number;
}): Schedules {
  const ticks = new ScheduleTicks(deps.dataSource);
  const book = new ScheduleBook(new ScheduleStore(deps.dataSource), ticks, deps.definitions);
  const fired = counter(deps.metrics, {
    name: "mcp_schedule_ticks_total",
    help: "Schedule ticks fired by this process, by outcome.",
    labelNames: ["outcome"],
  });
  const firer = new ScheduleFirer({
    ticks,
    findRun: deps.findRun,
    starter: deps.starter,
    launcher: deps.launcher,
    canceller: deps.canceller,
    logger: deps.logger,
    onOutcome: (outcome) => fired.inc({ outcome }),
  });
  const trigger = new ScheduleTrigger({
    book,
    ticks,
    firer,
    reader: deps.reader,
    owner: deps.owner,
    claimMs: deps.claimMs,
  });
  const ticker =
    deps.pollMs > 0
      ? new ScheduleTicker(ticks, firer, deps.logger, {
          owner: deps.owner,
          claimMs: deps.claimMs,
          pollMs: deps.pollMs,
        })
      : undefined;
  return { book, trigger, ticker };
}
