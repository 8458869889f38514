import type { ScheduleTickEntity, ScheduleTicks } from "@mcp/db";
import type { WorkflowRun } from "@mcp/proto/executor";
import type { RunReader } from "../runs/run-reader.js";
import type { ScheduleBook } from "./schedule-book.js";
import type { ScheduleFirer } from "./schedule-firer.js";

/**
 * TriggerSchedule: a manual tick of the schedule, recorded like a cron tick (so a crash before its run
 * starts leaves it to a takeover) and fired at once under the schedule's overlap policy.
 */
export class ScheduleTrigger {
  constructor(
    private readonly deps: {
      readonly book: Pick<ScheduleBook, "find">;
      readonly ticks: ScheduleTicks;
      readonly firer: Pick<ScheduleFirer, "fire">;
      readonly reader: Pick<RunReader, "get">;
      readonly owner: string;
      readonly claimMs: number;
    },
  ) {}

  async trigger(
    workspace: string,
    name: string,
    requestId: string,
  ): Promise<{ tick: ScheduleTickEntity; run?: WorkflowRun }> {
    const schedule = await this.deps.book.find(workspace, name);
    const { ticks, owner, claimMs } = this.deps;
    const recorded = await ticks.recordManual(schedule.id, requestId || null, owner, claimMs);
    let tick = recorded.tick;
    if (recorded.created) {
      const fired = await this.deps.firer.fire({ schedule, tick });
      tick = {
        ...tick,
        outcome: fired.outcome,
        runId: fired.runId ?? null,
        reason: fired.reason ?? "",
      };
      if (fired.run) return { tick, run: fired.run };
    }
    return tick.runId ? { tick, run: await this.deps.reader.get(schedule.workspace, tick.runId) } : { tick };
  }
}
