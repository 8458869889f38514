import { create } from "@bufbuild/protobuf";
import {
  GetScheduleResponseSchema,
  ListSchedulesResponseSchema,
  OverlapPolicy,
  RunStatus,
  TickOutcome,
  type Schedule,
} from "@mcp/proto/executor";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { ScheduleSpecSchema } from "@mcp/proto/executor";
import { call, type Context } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { InputError, parseInputs } from "../inputs.js";
import { enumLabel, formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";

export const SCHEDULE_HEADERS = ["NAME", "WORKFLOW", "CRON", "TIME ZONE", "OVERLAP", "STATE", "NEXT FIRE"];

/** What `schedule create` and `schedule update` take (update: only what is given changes). */
export interface ScheduleFlags {
  readonly workflow?: string;
  readonly version?: number;
  readonly cron?: string;
  readonly timeZone?: string;
  readonly overlap?: string;
  readonly catchUp?: string;
  readonly description?: string;
  readonly input: string[];
  readonly inputJson: string[];
}

const POLICIES: Record<string, OverlapPolicy> = {
  skip: OverlapPolicy.SKIP,
  allow: OverlapPolicy.ALLOW,
  buffer_one: OverlapPolicy.BUFFER_ONE,
  cancel_previous: OverlapPolicy.CANCEL_PREVIOUS,
};

/** `90s`, `5m`, `2h`, `1d` (or bare seconds) as whole seconds; a usage error otherwise. */
export function parseWindow(value: string): bigint {
  const m = /^(\d+)([smhd]?)$/.exec(value.trim());
  if (!m)
    throw new CliError(
      `--catch-up "${value}": expected a duration such as 90s, 5m, 2h or 1d`,
      ExitCode.USAGE,
    );
  const unit = { "": 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "" | "s" | "m" | "h" | "d"];
  return BigInt(Number(m[1]) * unit);
}

/** The spec the flags give, and the update-mask paths of what they set. */
export function specFromFlags(flags: ScheduleFlags): {
  spec: MessageInitShape<typeof ScheduleSpecSchema>;
  paths: string[];
} {
  const spec: MessageInitShape<typeof ScheduleSpecSchema> = {};
  const paths: string[] = [];
  if (flags.workflow !== undefined) {
    spec.workflow = { workflow: { case: "name", value: flags.workflow }, version: flags.version };
    paths.push("workflow");
  }
  if (flags.input.length > 0 || flags.inputJson.length > 0) {
    try {
      spec.inputs = parseInputs(flags.input, flags.inputJson);
    } catch (err) {
      if (err instanceof InputError) throw new CliError(err.message, ExitCode.USAGE);
      throw err;
    }
    paths.push("inputs");
  }
  if (flags.cron !== undefined) {
    spec.cron = flags.cron;
    paths.push("cron");
  }
  if (flags.timeZone !== undefined) {
    spec.timeZone = flags.timeZone;
    paths.push("time_zone");
  }
  if (flags.overlap !== undefined) {
    const policy = POLICIES[flags.overlap];
    if (policy === undefined) {
      throw new CliError(
        `--overlap "${flags.overlap}": expected one of ${Object.keys(POLICIES).join(", ")}`,
        ExitCode.USAGE,
      );
    }
    spec.overlapPolicy = policy;
    paths.push("overlap_policy");
  }
  if (flags.catchUp !== undefined) {
    spec.catchUpWindow = { seconds: parseWindow(flags.catchUp), nanos: 0 };
    paths.push("catch_up_window");
  }
  if (flags.description !== undefined) {
    spec.description = flags.description;
    paths.push("description");
  }
  return { spec, paths };
}

const workflowOf = (s: Schedule) =>
  `${s.workflow?.workflow.value ?? "-"}${s.workflow?.version !== undefined ? ` v${s.workflow.version}` : ""}`;

/** One row of the schedules table. */
export function scheduleRow(s: Schedule): string[] {
  return [
    s.name,
    workflowOf(s),
    s.cron,
    s.timeZone,
    enumLabel(OverlapPolicy[s.overlapPolicy], ""),
    s.paused ? "paused" : "active",
    formatTime(s.nextFireTimes[0]),
  ];
}

/** `mcp schedule create NAME --workflow W --cron EXPR ...`. */
export async function scheduleCreate(
  ctx: Context,
  name: string,
  flags: ScheduleFlags & { paused?: boolean },
): Promise<void> {
  if (flags.workflow === undefined || flags.cron === undefined) {
    throw new CliError("schedule create needs --workflow and --cron", ExitCode.USAGE);
  }
  const { spec } = specFromFlags(flags);
  const res = await call(ctx, "executor", () =>
    ctx.clients.schedules.createSchedule({ name, spec, paused: flags.paused ?? false }),
  );
  const s = res.schedule!;
  ctx.io.out(`created schedule/${s.name}; next fire ${formatTime(s.nextFireTimes[0])}`);
}

/** `mcp schedule update NAME ...`: changes what the flags give, nothing else. */
export async function scheduleUpdate(ctx: Context, name: string, flags: ScheduleFlags): Promise<void> {
  const { spec, paths } = specFromFlags(flags);
  if (paths.length === 0)
    throw new CliError("schedule update: give at least one field to change", ExitCode.USAGE);
  const res = await call(ctx, "executor", () =>
    ctx.clients.schedules.updateSchedule({ name, spec, updateMask: { paths } }),
  );
  ctx.io.out(`updated schedule/${res.schedule!.name} (${paths.join(", ")})`);
}

/** `mcp schedule get NAME`: the schedule, its next 5 fire times and its latest ticks. */
export async function scheduleGet(ctx: Context, name: string, opts: { output: OutputFormat }): Promise<void> {
  const res = await call(ctx, "executor", () => ctx.clients.schedules.getSchedule({ name }));
  if (opts.output === "json") return ctx.io.out(messageJson(GetScheduleResponseSchema, res));
  const s = res.schedule!;
  const lines = [
    `Name:         ${s.name}`,
    `Workflow:     ${workflowOf(s)}`,
    `Inputs:       ${JSON.stringify(s.inputs ?? {})}`,
    `Cron:         ${s.cron} (${s.timeZone})`,
    `Overlap:      ${enumLabel(OverlapPolicy[s.overlapPolicy], "")}`,
    `Catch-up:     ${Number(s.catchUpWindow?.seconds ?? 0)}s`,
    `State:        ${s.paused ? `paused${s.pauseReason ? ` (${s.pauseReason})` : ""}` : "active"}`,
    `Missed ticks: ${s.missedTicks}`,
    `Next fires:   ${s.nextFireTimes.map(formatTime).join(", ") || "-"}`,
  ];
  if (s.description) lines.splice(1, 0, `Description:  ${s.description}`);
  ctx.io.out(lines.join("\n"));
  ctx.io.out("");
  ctx.io.out(
    formatTable(
      ["TICK", "KIND", "OUTCOME", "RUN", "RUN STATUS", "REASON"],
      s.recentTicks.map((t) => [
        formatTime(t.tickTime),
        t.manual ? "manual" : "cron",
        enumLabel(TickOutcome[t.outcome], ""),
        t.runId || "-",
        t.runId ? enumLabel(RunStatus[t.runStatus], "") : "-",
        t.reason,
      ]),
    ),
  );
}

/** `mcp schedule list`: every schedule (of one workflow with `--workflow`), pages followed to the end. */
export async function scheduleList(
  ctx: Context,
  opts: { workflow?: string; output: OutputFormat },
): Promise<void> {
  const schedules: Schedule[] = [];
  await call(ctx, "executor", async () => {
    let pageToken = "";
    do {
      const res = await ctx.clients.schedules.listSchedules({
        pageSize: 500,
        pageToken,
        workflow: opts.workflow ?? "",
      });
      schedules.push(...res.schedules);
      pageToken = res.nextPageToken;
    } while (pageToken !== "");
  });
  if (opts.output === "json") {
    return ctx.io.out(
      messageJson(ListSchedulesResponseSchema, create(ListSchedulesResponseSchema, { schedules })),
    );
  }
  ctx.io.out(formatTable(SCHEDULE_HEADERS, schedules.map(scheduleRow)));
}

/** `mcp schedule pause NAME [--reason]`. */
export async function schedulePause(ctx: Context, name: string, opts: { reason?: string }): Promise<void> {
  await call(ctx, "executor", () => ctx.clients.schedules.pauseSchedule({ name, reason: opts.reason ?? "" }));
  ctx.io.out(`paused schedule/${name}`);
}

/** `mcp schedule resume NAME`. */
export async function scheduleResume(ctx: Context, name: string): Promise<void> {
  const res = await call(ctx, "executor", () => ctx.clients.schedules.resumeSchedule({ name }));
  ctx.io.out(`resumed schedule/${name}; next fire ${formatTime(res.schedule!.nextFireTimes[0])}`);
}

/** `mcp schedule delete NAME`: its runs stay. */
export async function scheduleDelete(ctx: Context, name: string): Promise<void> {
  await call(ctx, "executor", () => ctx.clients.schedules.deleteSchedule({ name }));
  ctx.io.out(`deleted schedule/${name}`);
}

/** `mcp schedule trigger NAME`: fires it now; prints the run id (or why no run started). */
export async function scheduleTrigger(
  ctx: Context,
  name: string,
  opts: { requestId?: string },
): Promise<void> {
  const res = await call(ctx, "executor", () =>
    ctx.clients.schedules.triggerSchedule({ name, requestId: opts.requestId ?? "" }),
  );
  const tick = res.tick!;
  const outcome = enumLabel(TickOutcome[tick.outcome], "");
  ctx.io.out(
    res.run
      ? `triggered schedule/${name}: run ${res.run.id}`
      : `triggered schedule/${name}: ${outcome}${tick.reason ? ` (${tick.reason})` : ""}`,
  );
}
