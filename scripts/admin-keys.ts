/**
 * `npm run keys -- <command>`: manages API keys (DESIGN.md §5) in the database the services use
 * (`DATABASE_URL`, else the `POSTGRES_*` parts; `.env` is read). Runs pending migrations first.
 *
 *   create --name <name> --role <role> [--workspace w]
 *                                        prints the new key ONCE on stdout; the key acts in workspace
 *                                        w only (default `default`; `*` = every workspace, for
 *                                        SERVICE_API_KEY)
 *   list [--all]                         live keys (with --all, revoked too); never a secret
 *   revoke <id|name> [--workspace w]     takes effect in every service within AUTH_CACHE_MS (30 s); a name
 *                                        live in several workspaces needs --workspace (or the id)
 *   token                                prints a new key without storing it (for `register`)
 *   register --name <name> --role <role> --from-env <VAR>
 *                                        stores the key held in environment variable VAR (its hash),
 *                                        once: again with the same key does nothing. How compose's
 *                                        migrate service makes SERVICE_API_KEY valid (docs/deploy.md)
 *
 * Roles (docs/adr/022): viewer (read), editor (write definitions), operator (run, cancel, signal,
 * approve, rerun, schedules), admin (everything: the production label, secrets, members, triggers,
 * retention, the audit log). An admin key is how the first admin gets in without OpenID Connect.
 * `--scopes` (before roles) still works, deprecated: mapped to a role as the migration mapped keys.
 */
import { parseArgs } from "node:util";
import { ApiKeyStore, openDatabase } from "@mcp/db";
import {
  ConfigError,
  DEFAULT_WORKSPACE,
  EVERY_WORKSPACE,
  ROLES,
  WORKSPACE_NAME,
  asRole,
  generateApiKey,
  hashSecret,
  loadConfig,
  parseApiKey,
  secretMatches,
  loadDotEnv,
  roleForScopes,
  type Role,
} from "@mcp/runtime";
import { errorMessage } from "@mcp/errors";

const USAGE = `usage: npm run keys -- create --name <name> --role viewer|editor|operator|admin [--workspace <w>|'*']
       npm run keys -- list [--all]
       npm run keys -- revoke <id|name> [--workspace <w>|'*']
       npm run keys -- token
       npm run keys -- register --name <name> --role <role> --from-env <VAR>`;

class UsageError extends Error {}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      role: { type: "string" },
      scopes: { type: "string" },
      workspace: { type: "string" },
      all: { type: "boolean", default: false },
      "from-env": { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  if (!["create", "list", "revoke", "token", "register"].includes(command))
    throw new UsageError(`unknown command "${command}"`);
  if (command === "token") {
    process.stdout.write(`${generateApiKey().token}\n`);
    return;
  }
  const storing = command === "create" || command === "register";
  if (storing && !values.name?.trim()) throw new UsageError(`${command} needs --name <name>`);
  if (command === "revoke" && rest.length !== 1) throw new UsageError("revoke needs exactly one <id|name>");
  const named = values.workspace?.trim();
  const workspace = named ?? DEFAULT_WORKSPACE;
  if (workspace !== EVERY_WORKSPACE && !WORKSPACE_NAME.test(workspace)) {
    throw new UsageError(`--workspace "${workspace}" is not a workspace name (or '*' for every workspace)`);
  }
  const role = storing ? roleOf(values.role, values.scopes) : undefined;
  let presented: { id: string; secret: string } | undefined;
  if (command === "register") {
    const variable = values["from-env"];
    if (!variable) throw new UsageError("register needs --from-env <VAR> (the variable holding the key)");
    const token = process.env[variable]?.trim();
    if (!token) throw new UsageError(`${variable} is not set: make a key with \`keys token\` and set it`);
    presented = parseApiKey(token);
    if (!presented) throw new UsageError(`${variable} is not a key (mcp_<id>_<secret>, as \`keys token\` prints)`);
  }

  loadDotEnv();
  const { databaseUrl } = loadConfig("registry");
  const { dataSource } = await openDatabase({ url: databaseUrl, poolSize: 2 });
  try {
    const store = new ApiKeyStore(dataSource);
    if (presented) {
      const existing = await store.find(presented.id);
      if (existing) {
        if (existing.revokedAt || !secretMatches(presented.secret, existing.secretHash)) {
          throw new Error(`key id ${presented.id} is already stored for another key or revoked: make a new one`);
        }
        process.stderr.write(`key "${existing.name}" (id ${existing.id}) is already registered\n`);
      } else {
        const row = await store.create({
          id: presented.id,
          name: values.name!.trim(),
          secretHash: hashSecret(presented.secret),
          role: role!,
          workspace,
        });
        process.stderr.write(`registered key "${row.name}" (id ${row.id}, role: ${row.role})\n`);
      }
    } else if (command === "create") {
      const key = generateApiKey();
      const row = await store.create({
        id: key.id,
        name: values.name!.trim(),
        secretHash: key.secretHash,
        role: role!,
        workspace,
      });
      process.stderr.write(
        `created key "${row.name}" (id ${row.id}, role: ${row.role}, workspace: ${row.workspace === EVERY_WORKSPACE ? "every workspace" : row.workspace}).\n` +
          "This is the only time the key is shown; store it now:\n",
      );
      process.stdout.write(`${key.token}\n`);
    } else if (command === "list") {
      const rows = await store.list({ liveOnly: !values.all });
      const lines = rows.map((r) =>
        [
          r.id,
          r.name,
          r.role,
          r.workspace,
          r.createdAt.toISOString(),
          r.lastUsedAt?.toISOString() ?? "never",
          r.revokedAt ? `revoked ${r.revokedAt.toISOString()}` : "live",
        ].join("\t"),
      );
      process.stdout.write(
        ["ID\tNAME\tROLE\tWORKSPACE\tCREATED\tLAST USED\tSTATUS", ...lines].join("\n") + "\n",
      );
    } else {
      const row = await store.revoke(rest[0]!, named);
      process.stderr.write(
        `revoked key "${row.name}" (id ${row.id}); services stop accepting it within their key cache period (AUTH_CACHE_MS, default 30 s)\n`,
      );
    }
  } finally {
    await dataSource.destroy();
  }
}

/** The role `--role` names, or (deprecated) the one `--scopes` maps to; one of them is required. */
function roleOf(role: string | undefined, scopes: string | undefined): Role {
  if (role !== undefined && scopes !== undefined) throw new UsageError("give --role or --scopes, not both");
  if (role !== undefined) {
    const parsed = asRole(role.trim());
    if (!parsed) throw new UsageError(`unknown role "${role}"; known: ${ROLES.join(", ")}`);
    return parsed;
  }
  if (scopes === undefined) throw new UsageError(`create needs --role <${ROLES.join("|")}>`);
  let mapped: Role;
  try {
    mapped = roleForScopes(scopes);
  } catch (err) {
    throw new UsageError(errorMessage(err));
  }
  process.stderr.write(
    `keys: --scopes is deprecated; "${scopes}" maps to --role ${mapped} (see docs/adr/022-roles-and-audit.md)\n`,
  );
  return mapped;
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
