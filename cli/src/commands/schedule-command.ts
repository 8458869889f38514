import { InvalidArgumentError, Option, type Command } from "commander";
import type { Context } from "../context.js";
import { parseFormat, type OutputFormat } from "../output.js";
import { parsePositiveInt } from "./resources.js";
import {
  scheduleCreate,
  scheduleDelete,
  scheduleGet,
  scheduleList,
  schedulePause,
  scheduleResume,
  scheduleTrigger,
  scheduleUpdate,
  type ScheduleFlags,
} from "./schedule.js";

/** Wraps a command action with the program's connection flags and exit code (program.ts's `action`). */
type Action = <A extends unknown[]>(
  fn: (ctx: Context, ...args: A) => Promise<number | void>,
) => (...args: A) => Promise<void>;

const collect = (value: string, previous: string[]) => [...previous, value];
/** A parser whose error commander reports as a usage error. */
const usage =
  <T>(parse: (value: string) => T) =>
  (value: string): T => {
    try {
      return parse(value);
    } catch (err) {
      throw new InvalidArgumentError((err as Error).message);
    }
  };

/** The flags create and update share. */
function specOptions(cmd: Command): Command {
  return cmd
    .option("--workflow <name>", "the workflow each tick runs")
    .option(
      "--version <n>",
      "pin the workflow version (default: its current version at each tick)",
      usage((v) => parsePositiveInt(v, "--version")),
    )
    .option("--cron <expr>", 'cron expression: 5 fields, or 6 with seconds first (e.g. "*/10 * * * * *")')
    .option("--time-zone <tz>", "IANA time zone the expression is read in (default UTC)")
    .option("--overlap <policy>", "skip (default), allow, buffer_one or cancel_previous")
    .option("--catch-up <duration>", "how late a missed tick may still fire: 90s, 5m, 2h, 1d (default 60s)")
    .option("--description <text>", "what the schedule is for")
    .option("-i, --input <key=value>", "a string input (repeatable)", collect, [])
    .option("--input-json <key=json>", "an input parsed as JSON (repeatable)", collect, []);
}

const outputOption = () =>
  new Option("-o, --output <format>", "table or json").argParser(usage(parseFormat)).default("table");

/** `mcp schedule create|get|list|update|pause|resume|delete|trigger`. */
export function scheduleCommand(program: Command, action: Action): void {
  const schedule = program
    .command("schedule")
    .description(
      "workflows started on a cron schedule (writes need the operator role when authentication is on)",
    );
  specOptions(schedule.command("create").description("create a schedule").argument("<name>", "schedule name"))
    .option("--paused", "create it paused")
    .action(
      action((ctx, name: string, flags: ScheduleFlags & { paused?: boolean }) =>
        scheduleCreate(ctx, name, flags),
      ),
    );
  specOptions(
    schedule
      .command("update")
      .description("change a schedule: only the fields given change")
      .argument("<name>", "schedule name"),
  ).action(action((ctx, name: string, flags: ScheduleFlags) => scheduleUpdate(ctx, name, flags)));
  schedule
    .command("get")
    .description("show a schedule, its next 5 fire times and its latest ticks with their runs")
    .argument("<name>", "schedule name")
    .addOption(outputOption())
    .action(action((ctx, name: string, opts: { output: OutputFormat }) => scheduleGet(ctx, name, opts)));
  schedule
    .command("list")
    .alias("ls")
    .description("list schedules")
    .option("-w, --workflow <name>", "only the schedules of this workflow")
    .addOption(outputOption())
    .action(action((ctx, opts: { workflow?: string; output: OutputFormat }) => scheduleList(ctx, opts)));
  schedule
    .command("pause")
    .description("stop firing until resumed")
    .argument("<name>", "schedule name")
    .option("--reason <text>", "why")
    .action(action((ctx, name: string, opts: { reason?: string }) => schedulePause(ctx, name, opts)));
  schedule
    .command("resume")
    .description("fire again from the next fire time (the ticks of the pause are not caught up)")
    .argument("<name>", "schedule name")
    .action(action((ctx, name: string) => scheduleResume(ctx, name)));
  schedule
    .command("delete")
    .alias("rm")
    .description("delete a schedule (the runs it started stay)")
    .argument("<name>", "schedule name")
    .action(action((ctx, name: string) => scheduleDelete(ctx, name)));
  schedule
    .command("trigger")
    .description("fire a schedule now (paused or not), under its overlap policy")
    .argument("<name>", "schedule name")
    .option("--request-id <id>", "idempotency key: the same id fires once")
    .action(action((ctx, name: string, opts: { requestId?: string }) => scheduleTrigger(ctx, name, opts)));
}
