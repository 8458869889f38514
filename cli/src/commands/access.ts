import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  ListAuditEventsResponseSchema,
  ListMembersResponseSchema,
  Role,
  WhoAmIResponseSchema,
  type AuditEvent,
  type Member,
} from "@mcp/proto/registry";
import { InvalidArgumentError, type Command, type Option } from "commander";
import { call, type Context } from "../context.js";
import { formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";
import { parseAge } from "./prune.js";
import type { Action } from "./trigger.js";

const ROLE_NAMES = ["viewer", "editor", "operator", "admin"] as const;
const TO_ENUM: Record<(typeof ROLE_NAMES)[number], Role> = {
  viewer: Role.VIEWER,
  editor: Role.EDITOR,
  operator: Role.OPERATOR,
  admin: Role.ADMIN,
};

/** `viewer` → ROLE_VIEWER; a commander usage error for anything else. */
export function parseRole(value: string): Role {
  const role = TO_ENUM[value.trim().toLowerCase() as keyof typeof TO_ENUM];
  if (role === undefined)
    throw new InvalidArgumentError(`"${value}" is not a role: use ${ROLE_NAMES.join(", ")}`);
  return role;
}

/** ROLE_EDITOR → `editor`; `-` for none. */
export const roleName = (role: Role): string => ROLE_NAMES.find((name) => TO_ENUM[name] === role) ?? "-";

export const MEMBER_HEADERS = ["EMAIL", "ROLE", "ADDED BY", "ADDED"];
export const AUDIT_HEADERS = ["TIME", "ACTOR", "KIND", "RPC", "TARGET", "OUTCOME", "REQUEST ID"];

const memberRow = (m: Member) => [m.email, roleName(m.role), m.addedBy || "-", formatTime(m.addTime)];
const auditRow = (e: AuditEvent) => [
  formatTime(e.eventTime),
  e.actor || "-",
  e.actorKind || "-",
  e.method,
  e.target || "-",
  e.outcome,
  e.requestId,
];

/** `mcp whoami`: the caller, workspace and role the registry sees. */
export async function whoAmI(ctx: Context, opts: { output: OutputFormat }): Promise<void> {
  const res = await call(ctx, "registry", () => ctx.clients.access.whoAmI({}));
  if (opts.output === "json") return ctx.io.out(messageJson(WhoAmIResponseSchema, res));
  if (!res.authEnabled) {
    return ctx.io.out(`authentication is off: every call is allowed (workspace ${res.workspace})`);
  }
  const who = res.caller ? `${res.caller.kind} ${res.caller.name} (${res.caller.id})` : "-";
  ctx.io.out(
    `${who} in workspace ${res.workspace}: ${roleName(res.role) === "-" ? "no role" : roleName(res.role)}`,
  );
}

/** `mcp members list`: every member of the workspace, pages followed to the end. */
export async function membersList(ctx: Context, opts: { output: OutputFormat }): Promise<void> {
  const members: Member[] = [];
  await call(ctx, "registry", async () => {
    let pageToken = "";
    do {
      const res = await ctx.clients.access.listMembers({ pageSize: 500, pageToken });
      members.push(...res.members);
      pageToken = res.nextPageToken;
    } while (pageToken !== "");
  });
  if (opts.output === "json") {
    return ctx.io.out(messageJson(ListMembersResponseSchema, create(ListMembersResponseSchema, { members })));
  }
  ctx.io.out(formatTable(MEMBER_HEADERS, members.map(memberRow)));
}

/** `mcp members add|update EMAIL --role R`. */
export async function memberSet(
  ctx: Context,
  verb: "add" | "update",
  email: string,
  role: Role,
): Promise<void> {
  const { member } =
    verb === "add"
      ? await call(ctx, "registry", () => ctx.clients.access.addMember({ email, role }))
      : await call(ctx, "registry", () => ctx.clients.access.updateMember({ email, role }));
  const m = member!;
  ctx.io.out(
    `${verb === "add" ? "added" : "updated"} ${m.email} as ${roleName(m.role)} in workspace ${m.workspace}`,
  );
}

/** `mcp members rm EMAIL`. */
export async function memberRm(ctx: Context, email: string): Promise<void> {
  await call(ctx, "registry", () => ctx.clients.access.removeMember({ email }));
  ctx.io.out(`removed ${email}`);
}

/** Options of {@link auditList}. */
export interface AuditOptions {
  readonly actor?: string;
  readonly rpc?: string;
  readonly target?: string;
  readonly outcome?: string;
  /** Milliseconds back from now. */
  readonly since?: number;
  readonly limit: number;
  readonly output: OutputFormat;
}

/** `mcp audit`: the newest audit events of the workspace, filtered, at most `--limit`. */
export async function auditList(ctx: Context, opts: AuditOptions): Promise<void> {
  const filter = {
    actor: opts.actor ?? "",
    method: opts.rpc ?? "",
    target: opts.target ?? "",
    outcome: opts.outcome?.toUpperCase() ?? "",
    ...(opts.since === undefined ? {} : { after: timestampFromDate(new Date(Date.now() - opts.since)) }),
  };
  const events: AuditEvent[] = [];
  await call(ctx, "registry", async () => {
    let pageToken = "";
    do {
      const res = await ctx.clients.audit.listAuditEvents({
        filter,
        pageSize: Math.min(500, opts.limit - events.length),
        pageToken,
      });
      events.push(...res.events);
      pageToken = res.nextPageToken;
    } while (pageToken !== "" && events.length < opts.limit);
  });
  if (opts.output === "json") {
    return ctx.io.out(
      messageJson(ListAuditEventsResponseSchema, create(ListAuditEventsResponseSchema, { events })),
    );
  }
  ctx.io.out(formatTable(AUDIT_HEADERS, events.map(auditRow)));
}

const positive = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError(`"${value}" is not a positive whole number`);
  return n;
};
const age = (value: string) => {
  try {
    return parseAge(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

/** Adds `mcp whoami`, `mcp members list|add|update|rm` and `mcp audit` to the program. */
export function addAccessCommands(program: Command, action: Action, outputOption: () => Option): void {
  program
    .command("whoami")
    .description("who the platform takes you for: your key or user, the workspace and your role there")
    .addOption(outputOption())
    .action(action((ctx, opts: { output: OutputFormat }) => whoAmI(ctx, opts)));
  const members = program
    .command("members")
    .description("people's roles in the workspace (needs an admin when authentication is on)");
  members
    .command("list")
    .alias("ls")
    .description("list the workspace's members: email, role, who added them and when")
    .addOption(outputOption())
    .action(action((ctx, opts: { output: OutputFormat }) => membersList(ctx, opts)));
  for (const verb of ["add", "update"] as const) {
    members
      .command(verb)
      .description(verb === "add" ? "give a person a role in the workspace" : "change a member's role")
      .argument("<email>", "the person's email, as their sign-in verifies it")
      .requiredOption("--role <role>", `one of ${ROLE_NAMES.join(", ")}`, parseRole)
      .action(action((ctx, email: string, opts: { role: Role }) => memberSet(ctx, verb, email, opts.role)));
  }
  members
    .command("rm")
    .description("remove a member from the workspace")
    .argument("<email>", "the member's email")
    .action(action((ctx, email: string) => memberRm(ctx, email)));
  program
    .command("audit")
    .description(
      "the workspace's audit log, newest first: every mutating call, who made it and how it ended (admin)",
    )
    .option("--actor <name>", "only calls by this key name or email")
    .option("--rpc <name>", "only this RPC, e.g. SetMcpLabel")
    .option("--target <target>", "only calls that named this target")
    .option("--outcome <code>", "only calls that ended with this code, e.g. PERMISSION_DENIED or OK")
    .option("--since <age>", "only the last 30m, 12h, 7d, 2w, ...", age)
    .option("--limit <n>", "at most this many events (default 50)", positive, 50)
    .addOption(outputOption())
    .action(action((ctx, opts: AuditOptions) => auditList(ctx, opts)));
}
