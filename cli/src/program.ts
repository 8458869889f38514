import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { createClients } from "./clients.js";
import { apply } from "./commands/apply.js";
import { cancel } from "./commands/cancel.js";
import { del } from "./commands/delete.js";
import { get } from "./commands/get.js";
import { list, type ListOptions } from "./commands/list.js";
import { logs } from "./commands/logs.js";
import { followLogs } from "./commands/follow-logs.js";
import { parsePositiveInt } from "./commands/resources.js";
import { rerun, type RerunOptions } from "./commands/rerun.js";
import { run } from "./commands/run.js";
import { runs } from "./commands/runs.js";
import { parseAge, runsPrune } from "./commands/prune.js";
import { decide, signal } from "./commands/signal.js";
import { secretList, secretRm, secretRotateKey, secretSet } from "./commands/secret.js";
import { addTriggerCommands } from "./commands/trigger.js";
import { addAccessCommands } from "./commands/access.js";
import { scheduleCommand } from "./commands/schedule-command.js";
import { addSignInCommands } from "./commands/sign-in.js";
import { signedInToken } from "./sign-in/session.js";
import { addWorkspaceCommands } from "./commands/workspace.js";
import { ConfigError, DEFAULT_URLS, resolveConfig, type ConnectionFlags } from "./config.js";
import type { Context } from "./context.js";
import { runIdOf } from "./run-id.js";
import { CliError, ExitCode } from "./errors.js";
import { parseFormat, type Io, type OutputFormat } from "./output.js";

const collect = (value: string, previous: string[]) => [...previous, value];
const format = (value: string): OutputFormat => {
  try {
    return parseFormat(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};
const positive = (what: string) => (value: string) => {
  try {
    return parsePositiveInt(value, what);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};
const age = (value: string) => {
  try {
    return parseAge(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};
const outputOption = () =>
  new Option("-o, --output <format>", "table or json").argParser(format).default("table");

/**
 * The `mcp` program. Each action resolves the connection flags once, builds the clients, and sets the
 * exit code it wants; errors become one `error: ...` line and their exit code.
 */
export async function runCli(argv: readonly string[], io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  let exitCode: number = ExitCode.OK;
  const program = new Command("mcpctl");
  program
    .description(
      "Command line for the MCP platform: apply manifests, run workflows, read runs and logs, manage secrets; sign in with `mcp login`.",
    )
    .option("--registry <url>", `registry address (env REGISTRY_URL, default ${DEFAULT_URLS.registry})`)
    .option("--workflows <url>", `workflows address (env WORKFLOWS_URL, default ${DEFAULT_URLS.workflows})`)
    .option("--executor <url>", `executor address (env EXECUTOR_URL, default ${DEFAULT_URLS.executor})`)
    .option("--api-key <key>", "API key sent as `authorization: Bearer` (env MCP_API_KEY)")
    .option(
      "--workspace <name>",
      "the workspace every command acts in (env MCP_WORKSPACE, default `default`)",
    )
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, "")),
      writeErr: (s) => io.err(s.replace(/\n$/, "")),
    });

  /** Wraps an action: a Context from the global flags, and the exit code it returns (if any). */
  const action =
    <A extends unknown[]>(fn: (ctx: Context, ...args: A) => Promise<number | void>) =>
    async (...args: A) => {
      const config = resolveConfig(program.opts<ConnectionFlags>(), env);
      // An API key (flag or MCP_API_KEY) wins over a sign-in (`mcp login`).
      const credential = config.apiKey ?? (await signedInToken(env));
      const code = await fn({ config, clients: createClients(config, credential), io }, ...args);
      if (typeof code === "number") exitCode = code;
    };

  program
    .command("apply")
    .description("create or update the MCPs and workflows declared in YAML/JSON manifests (MCPs first)")
    .requiredOption("-f, --filename <file>", "manifest file (repeatable)", collect, [])
    .action(action((ctx, opts: { filename: string[] }) => apply(ctx, opts.filename)));

  program
    .command("get")
    .description("show one resource: get mcp NAME | get workflow NAME | get run ID")
    .argument("<kind>", "mcp, workflow or run")
    .argument("<name>", "name (or run id)")
    .option("--version <n>", "a specific version (mcp, workflow)", positive("--version"))
    .option("--label <label>", "the version a label points at (mcp)")
    .addOption(outputOption())
    .action(
      action(
        (ctx, kind: string, name: string, opts: { output: OutputFormat; version?: number; label?: string }) =>
          get(ctx, kind, name, opts),
      ),
    );

  program
    .command("list")
    .alias("ls")
    .description("list resources: list mcps | list workflows")
    .argument("<kind>", "mcps or workflows")
    .option("--tag <tag>", "only those with this tag (mcps: repeatable, any of them)", collect, [])
    .option("--text <text>", "only those whose name or description contains this")
    .option("--type <type>", "mcps of this type, e.g. python_script (repeatable, any of them)", collect, [])
    .option("--label <label>", "mcps with this label, e.g. production (repeatable, any of them)", collect, [])
    .option("--deprecated", "only mcps whose latest version is deprecated")
    .option("--no-deprecated", "only mcps whose latest version is not deprecated")
    .option("--facets", "also print how many mcps each type, tag, label and deprecation has")
    .addOption(outputOption())
    .action(action((ctx, kind: string, opts: ListOptions) => list(ctx, kind, opts)));

  program
    .command("delete")
    .description("delete a resource: delete mcp NAME | delete workflow NAME")
    .argument("<kind>", "mcp or workflow")
    .argument("<name>", "name")
    .option("--force", "delete an MCP even if workflows use it")
    .action(
      action((ctx, kind: string, name: string, opts: { force?: boolean }) => del(ctx, kind, name, opts)),
    );

  program
    .command("run")
    .description("run a workflow and follow it live; exit 0 if it succeeded, 1 if not")
    .argument("<workflow>", "workflow name")
    .option("-i, --input <key=value>", "a string input (repeatable)", collect, [])
    .option("--input-json <key=json>", "an input parsed as JSON (repeatable)", collect, [])
    .option("--version <n>", "run this workflow version instead of the current one", positive("--version"))
    .option("--request-id <id>", "idempotency key: the same id returns the same run")
    .option("-d, --detach", "print the run id and exit without watching", false)
    .addOption(outputOption())
    .action(
      action(
        (
          ctx,
          workflow: string,
          opts: {
            input: string[];
            inputJson: string[];
            version?: number;
            requestId?: string;
            detach: boolean;
            output: OutputFormat;
          },
        ) => run(ctx, workflow, opts),
      ),
    );

  program
    .command("rerun")
    .description(
      "re-run a finished run as a new run: steps not downstream of --from keep their outputs, the rest run again; exit 0 if it succeeded",
    )
    .argument("<run>", "run id (or a unique prefix of 8+ hex digits)")
    .option("--from <step>", "re-run from this step (and everything downstream of it); default: every step")
    .option("--latest", "run the re-run steps' MCPs at their current `production` label (the fixed script)")
    .option("--label <label>", "like --latest, with another label")
    .option("--request-id <id>", "idempotency key: the same id returns the same run")
    .option("-d, --detach", "print the new run's id and exit without watching", false)
    .addOption(outputOption())
    .action(
      action(async (ctx, runId: string, opts: RerunOptions) => rerun(ctx, await runIdOf(ctx, runId), opts)),
    );

  const runsCommand = program
    .command("runs")
    .description("list runs, newest first (`runs prune`: delete old finished ones)")
    .option("-w, --workflow <name>", "only runs of this workflow")
    .option("--parent <run>", "only the sub-workflow runs this run started")
    .option("--limit <n>", "at most this many", positive("--limit"), 20)
    .addOption(outputOption())
    .action(
      action((ctx, opts: { workflow?: string; parent?: string; limit: number; output: OutputFormat }) =>
        runs(ctx, opts),
      ),
    );
  runsCommand
    .command("prune")
    .description(
      "delete finished runs older than --older-than (default: the executor's RUN_RETENTION_DAYS) with their steps; needs an admin key when API keys are on",
    )
    .option("--older-than <age>", "e.g. 30d, 12h, 2w (at least 1h)", age)
    .option("--dry-run", "only count what would be deleted", false)
    .addOption(outputOption())
    .action(
      action((ctx, opts: { olderThan?: number; dryRun: boolean; output: OutputFormat }) =>
        runsPrune(ctx, opts),
      ),
    );

  program
    .command("logs")
    .description("show each step's stdout and stderr of a run")
    .argument("<run>", "run id (or a unique prefix of 8+ hex digits)")
    .option("--step <id>", "only this step")
    .option("-f, --follow", "with --step: print the step's output as it is written, until the step ends")
    .action(
      action(async (ctx, runId: string, opts: { step?: string; follow?: boolean }) => {
        if (!opts.follow) return logs(ctx, await runIdOf(ctx, runId), opts);
        if (opts.step === undefined)
          throw new CliError("--follow needs --step: which step's output to follow", ExitCode.USAGE);
        return followLogs(ctx, await runIdOf(ctx, runId), opts.step);
      }),
    );

  program
    .command("cancel")
    .description("cancel a pending or running run: its running steps are stopped")
    .argument("<run>", "run id (or a unique prefix of 8+ hex digits)")
    .option("--reason <text>", "why (kept as the run's error message)")
    .action(
      action(async (ctx, runId: string, opts: { reason?: string }) =>
        cancel(ctx, await runIdOf(ctx, runId), opts),
      ),
    );

  program
    .command("signal")
    .description(
      "send a signal to a run: a wait_for_signal step of that name receives it (now or when it waits)",
    )
    .argument("<run>", "run id (or a unique prefix of 8+ hex digits)")
    .argument("<name>", "signal name")
    .option("--data <json>", "the payload, as JSON (default null)")
    .option("--request-id <id>", "idempotency key: the same id sends the signal once")
    .action(
      action(async (ctx, runId: string, name: string, opts: { data?: string; requestId?: string }) =>
        signal(ctx, await runIdOf(ctx, runId), name, opts),
      ),
    );
  for (const [verb, approve] of [
    ["approve", true],
    ["reject", false],
  ] as const) {
    program
      .command(verb)
      .description(`${verb} an approval step of a run (recorded with who decided)`)
      .argument("<run>", "run id (or a unique prefix of 8+ hex digits)")
      .argument("<step>", "the approval step's id")
      .option("--comment <text>", "why (at most 2000 characters)")
      .action(
        action(async (ctx, runId: string, stepId: string, opts: { comment?: string }) =>
          decide(ctx, await runIdOf(ctx, runId), stepId, approve, opts),
        ),
      );
  }

  const secret = program
    .command("secret")
    .description(
      "the executor's secrets store (needs an admin key when API keys are on); values are never shown",
    );
  secret
    .command("set")
    .description("create a secret or give it a new value: from --value, --from-file, or stdin when neither")
    .argument("<name>", "secret name (letters, digits and _; the environment variable a step sees)")
    .option("--value <value>", "the value (beware: visible in shell history and process lists)")
    .option("--from-file <path>", "read the value from this file (one trailing newline dropped)")
    .option("--description <text>", "what the secret is for (kept when not given)")
    .action(
      action((ctx, name: string, opts: { value?: string; fromFile?: string; description?: string }) =>
        secretSet(ctx, name, opts),
      ),
    );
  secret
    .command("list")
    .alias("ls")
    .description("list secrets: name, value version, key id, when and by whom last set")
    .addOption(outputOption())
    .action(action((ctx, opts: { output: OutputFormat }) => secretList(ctx, opts)));
  secret
    .command("rm")
    .alias("delete")
    .description("delete a secret (steps that name it then fail before starting)")
    .argument("<name>", "secret name")
    .action(action((ctx, name: string) => secretRm(ctx, name)));
  secret
    .command("rotate-key")
    .description("re-encrypt every secret with the executor's current key (the first of its SECRETS_KEY)")
    .action(action((ctx) => secretRotateKey(ctx)));

  addTriggerCommands(program, action, outputOption);
  addAccessCommands(program, action, outputOption);
  addWorkspaceCommands(program, action, outputOption);
  addSignInCommands(program, io, env, (fn) => async () => {
    exitCode = await fn();
  });
  scheduleCommand(program, action);

  try {
    await program.parseAsync(argv, { from: "user" });
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    if (err instanceof CliError) {
      io.err(`error: ${err.message}`);
      return err.exitCode;
    }
    if (err instanceof ConfigError) {
      io.err(`error: ${err.message}`);
      return ExitCode.USAGE;
    }
    io.err(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return ExitCode.FAILED;
  }
}
