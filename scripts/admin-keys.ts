/**
 * `npm run keys -- <command>`: manages API keys (DESIGN.md §5) in the database the services use
 * (`DATABASE_URL`, else the `POSTGRES_*` parts; `.env` is read). Runs pending migrations first.
 *
 *   create --name <name> [--scopes write,execute] [--workspace w]
 *                                                    prints the new key ONCE on stdout; the key acts in
 *                                                    workspace w only (default `default`; `*` = every
 *                                                    workspace, for SERVICE_API_KEY)
 *   list [--all]                                     live keys (with --all, revoked too); never a secret
 *   revoke <id|name>                                 takes effect in every service within AUTH_CACHE_MS (30 s)
 *
 * Scopes: write (mutating RPCs), execute (ExecuteWorkflow, RunMcp, CancelRun), read, admin (all).
 */
import { parseArgs } from "node:util";
import { ApiKeyStore, openDatabase } from "@mcp/db";
import {
  ConfigError,
  DEFAULT_WORKSPACE,
  EVERY_WORKSPACE,
  WORKSPACE_NAME,
  generateApiKey,
  loadConfig,
  loadDotEnv,
  parseScopes,
} from "@mcp/runtime";
import { errorMessage } from "@mcp/errors";

const USAGE = `usage: npm run keys -- create --name <name> [--scopes write,execute] [--workspace <w>|'*']
       npm run keys -- list [--all]
       npm run keys -- revoke <id|name>`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      scopes: { type: "string", default: "write,execute" },
      workspace: { type: "string", default: DEFAULT_WORKSPACE },
      all: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!["create", "list", "revoke"].includes(command)) throw new UsageError(`unknown command "${command}"`);
  if (command === "create" && !values.name?.trim()) throw new UsageError("create needs --name <name>");
  if (command === "revoke" && rest.length !== 1) throw new UsageError("revoke needs exactly one <id|name>");
  const scopes = command === "create" ? parseScopes(values.scopes) : [];
  const workspace = values.workspace.trim();
  if (workspace !== EVERY_WORKSPACE && !WORKSPACE_NAME.test(workspace)) {
    throw new UsageError(`--workspace "${workspace}" is not a workspace name (or '*' for every workspace)`);
  }

  loadDotEnv();
  const { databaseUrl } = loadConfig("registry");
  const { dataSource } = await openDatabase({ url: databaseUrl, poolSize: 2 });
  try {
    const store = new ApiKeyStore(dataSource);
    if (command === "create") {
      const key = generateApiKey();
      const row = await store.create({
        id: key.id,
        name: values.name!.trim(),
        secretHash: key.secretHash,
        scopes,
        workspace,
      });
      process.stderr.write(
        `created key "${row.name}" (id ${row.id}, scopes: ${row.scopes.join(",") || "none"}, workspace: ${row.workspace === EVERY_WORKSPACE ? "every workspace" : row.workspace}).\n` +
          "This is the only time the key is shown; store it now:\n",
      );
      process.stdout.write(`${key.token}\n`);
    } else if (command === "list") {
      const rows = await store.list({ liveOnly: !values.all });
      const lines = rows.map((r) =>
        [
          r.id,
          r.name,
          r.scopes.join(",") || "-",
          r.workspace,
          r.createdAt.toISOString(),
          r.lastUsedAt?.toISOString() ?? "never",
          r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : "live",
        ].join("\t"),
      );
      process.stdout.write(
        ["ID\tNAME\tSCOPES\tWORKSPACE\tCREATED\tLAST USED\tSTATUS", ...lines].join("\n") + "\n",
      );
    } else {
      const row = await store.revoke(rest[0]!);
      process.stderr.write(
        `revoked key "${row.name}" (id ${row.id}); services stop accepting it within their key cache period (AUTH_CACHE_MS, default 30 s)\n`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError) {
    process.stderr.write(`keys: ${err.message}\n${USAGE}\n`);
    process.exit(2);
  }
  const message = err instanceof ConfigError || errorMessage(err);
  process.stderr.write(`keys: ${message}\n`);
  process.exit(1);
});
