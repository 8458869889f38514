import { create, toJson } from "@bufbuild/protobuf";
import { ListTriggersResponseSchema, TriggerSchema, type Trigger } from "@mcp/proto/executor";
import { InvalidArgumentError, type Command, type Option } from "commander";
import { call, type Context } from "../context.js";
import { CliError, ExitCode } from "../errors.js";
import { formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";
import { parsePositiveInt } from "./resources.js";

export const TRIGGER_HEADERS = ["NAME", "WORKFLOW", "PATH", "RATE", "SECRET SET", "DESCRIPTION"];

/** `name` or `name@version`, as a trigger names its workflow. */
const workflowLabel = (t: Trigger) => {
  const ref = t.workflow;
  const base = ref?.workflow.value ?? "-";
  return ref?.version === undefined ? base : `${base}@${ref.version}`;
};

/** One row of the triggers table (never a secret: the API returns none). */
export function triggerRow(t: Trigger): string[] {
  return [
    t.name,
    workflowLabel(t),
    t.path,
    `${t.ratePerMinute}/min, ${t.burst} at once`,
    formatTime(t.secretTime),
    t.description,
  ];
}

/** `--map input=path` options as the `input_paths` map. */
export function parseInputPaths(entries: readonly string[]): Record<string, string> {
  const paths: Record<string, string> = {};
  for (const entry of entries) {
    const eq = entry.indexOf("=");
    if (eq < 1 || eq === entry.length - 1) {
      throw new CliError(
        `--map wants input=path (e.g. title=pull_request.title), got "${entry}"`,
        ExitCode.USAGE,
      );
    }
    paths[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return paths;
}

/** How to sign a delivery for this trigger, printed beside its secret. */
const howToSign = (t: Trigger) =>
  `sign each delivery: X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the secret>; POST it to <executor>${t.path}`;

interface CreateOptions {
  workflow: string;
  version?: number;
  map: string[];
  rate?: number;
  burst?: number;
  description?: string;
  output: OutputFormat;
}

/** `mcp trigger create NAME --workflow W`: prints the secret, the only time it is shown. */
export async function triggerCreate(ctx: Context, name: string, opts: CreateOptions): Promise<void> {
  const res = await call(ctx, "executor", () =>
    ctx.clients.triggers.createTrigger({
      name,
      description: opts.description ?? "",
      workflow: { workflow: { case: "name", value: opts.workflow }, version: opts.version },
      inputPaths: parseInputPaths(opts.map),
      ratePerMinute: opts.rate ?? 0,
      burst: opts.burst ?? 0,
    }),
  );
  const t = res.trigger!;
  if (opts.output === "json") {
    return ctx.io.out(JSON.stringify({ trigger: toJson(TriggerSchema, t), secret: res.secret }, null, 2));
  }
  ctx.io.out(`created trigger/${t.name} → workflow ${workflowLabel(t)}`);
  ctx.io.out(`secret (shown once, store it with the sender): ${res.secret}`);
  ctx.io.out(howToSign(t));
}

/** `mcp trigger get NAME`. */
export async function triggerGet(ctx: Context, name: string, opts: { output: OutputFormat }): Promise<void> {
  const res = await call(ctx, "executor", () => ctx.clients.triggers.getTrigger({ name }));
  const t = res.trigger!;
  if (opts.output === "json") return ctx.io.out(messageJson(TriggerSchema, t));
  const paths = Object.entries(t.inputPaths);
  ctx.io.out(
    [
      `name:        ${t.name}`,
      `workflow:    ${workflowLabel(t)}`,
      `path:        ${t.path}`,
      `inputs:      ${paths.length === 0 ? "the whole body" : paths.map(([k, v]) => `${k}=${v}`).join(", ")}`,
      `rate limit:  ${t.ratePerMinute}/min, ${t.burst} at once`,
      `secret set:  ${formatTime(t.secretTime)} (key ${t.keyId})`,
      `created:     ${formatTime(t.createTime)}${t.createdBy ? ` by ${t.createdBy}` : ""}`,
      `description: ${t.description || "-"}`,
    ].join("\n"),
  );
}

/** `mcp trigger list`: every trigger, pages followed to the end. */
export async function triggerList(ctx: Context, opts: { output: OutputFormat }): Promise<void> {
  const triggers: Trigger[] = [];
  await call(ctx, "executor", async () => {
    let pageToken = "";
    do {
      const res = await ctx.clients.triggers.listTriggers({ pageSize: 500, pageToken });
      triggers.push(...res.triggers);
      pageToken = res.nextPageToken;
    } while (pageToken !== "");
  });
  if (opts.output === "json") {
    return ctx.io.out(
      messageJson(ListTriggersResponseSchema, create(ListTriggersResponseSchema, { triggers })),
    );
  }
  ctx.io.out(formatTable(TRIGGER_HEADERS, triggers.map(triggerRow)));
}

/** `mcp trigger rm NAME`: its webhook answers 404 from then on; its runs stay. */
export async function triggerRm(ctx: Context, name: string): Promise<void> {
  await call(ctx, "executor", () => ctx.clients.triggers.deleteTrigger({ name }));
  ctx.io.out(`deleted trigger/${name}`);
}

/** `mcp trigger rotate-secret NAME`: prints the new secret; the old one stops working at once. */
export async function triggerRotateSecret(ctx: Context, name: string): Promise<void> {
  const res = await call(ctx, "executor", () => ctx.clients.triggers.rotateTriggerSecret({ name }));
  ctx.io.out(
    `rotated the secret of trigger/${name}; deliveries signed with the old one are refused from now`,
  );
  ctx.io.out(`secret (shown once, store it with the sender): ${res.secret}`);
}

/** The program's action wrapper (a Context from the global flags; the exit code the command returns). */
export type Action = <A extends unknown[]>(
  fn: (ctx: Context, ...args: A) => Promise<number | void>,
) => (...args: A) => Promise<void>;

const positive = (what: string) => (value: string) => {
  try {
    return parsePositiveInt(value, what);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};
const collect = (value: string, previous: string[]) => [...previous, value];

/** Adds `mcp trigger create|get|list|rm|rotate-secret` to the program. */
export function addTriggerCommands(program: Command, action: Action, outputOption: () => Option): void {
  const trigger = program
    .command("trigger")
    .description(
      "webhook triggers: POST /hooks/NAME on the executor starts a workflow (needs an admin key when API keys are on)",
    );
  trigger
    .command("create")
    .description("create a trigger; prints its signing secret, the only time it is shown")
    .argument("<name>", "trigger name: 1-63 of a-z, 0-9, - and _ (the webhook is POST /hooks/NAME)")
    .requiredOption("-w, --workflow <name>", "the workflow a delivery starts")
    .option(
      "--version <n>",
      "pin this workflow version (default: its current version at each delivery)",
      positive("--version"),
    )
    .option(
      "--map <input=path>",
      "take an input from a body field, e.g. title=pull_request.title (repeatable; default: the whole body is the inputs)",
      collect,
      [],
    )
    .option("--rate <n>", "deliveries per minute (default 60)", positive("--rate"))
    .option("--burst <n>", "deliveries accepted at once (default 10)", positive("--burst"))
    .option("--description <text>", "what the trigger is for")
    .addOption(outputOption())
    .action(action((ctx, name: string, opts: CreateOptions) => triggerCreate(ctx, name, opts)));
  trigger
    .command("get")
    .description("show one trigger (never its secret)")
    .argument("<name>", "trigger name")
    .addOption(outputOption())
    .action(action((ctx, name: string, opts: { output: OutputFormat }) => triggerGet(ctx, name, opts)));
  trigger
    .command("list")
    .alias("ls")
    .description("list triggers: workflow, path, rate limit, when the secret was set")
    .addOption(outputOption())
    .action(action((ctx, opts: { output: OutputFormat }) => triggerList(ctx, opts)));
  trigger
    .command("rm")
    .alias("delete")
    .description("delete a trigger (its webhook then answers 404; its runs stay)")
    .argument("<name>", "trigger name")
    .action(action((ctx, name: string) => triggerRm(ctx, name)));
  trigger
    .command("rotate-secret")
    .description("give a trigger a new signing secret (printed once); the old one is refused at once")
    .argument("<name>", "trigger name")
    .action(action((ctx, name: string) => triggerRotateSecret(ctx, name)));
}
