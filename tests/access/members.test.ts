/**
 * AccessService and its command line end to end: WhoAmI for keys of each role, an admin managing the
 * workspace's members (and the precise errors for bad input), `mcp whoami|members|audit`, and
 * `npm run keys -- create --role` (with the deprecated `--scopes` mapped to a role).
 */
import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { AccessService, Role } from "@mcp/proto/registry";
import { reasonOf } from "@mcp/runtime";
import { adminKeys } from "../auth/keys";
import { expectCode } from "../support/errors";
import { runCli } from "../support/cli";
import { newPythonMcp, uniqueName } from "../support/mcps";
import { bearer, startKeyedPlatform, type KeyedPlatform } from "./platform-keys";

describe("members and WhoAmI (AUTH_ENABLED=true)", () => {
  let k: KeyedPlatform;
  let access: ReturnType<typeof createClient<typeof AccessService>>;
  const cli = (token: string, ...args: string[]) =>
    runCli(["--registry", k.p.registry.url, "--api-key", token, ...args]);

  beforeAll(async () => {
    k = await startKeyedPlatform();
    access = createClient(AccessService, createGrpcTransport({ baseUrl: k.p.registry.url }));
  }, 240_000);
  afterAll(async () => {
    await k?.stop();
  });

  it("WhoAmI › tells any key its name, workspace and role; without a key it is UNAUTHENTICATED", async () => {
    const me = await access.whoAmI({}, bearer(k.keys.operator.token));
    expect(me).toMatchObject({ workspace: "default", role: Role.OPERATOR, authEnabled: true });
    expect(me.caller).toMatchObject({ kind: "key", name: k.keys.operator.name });
    await expectCode(access.whoAmI({}), Code.Unauthenticated);
  });

  it("an admin adds, lists, changes and removes members; emails are compared lower-cased", async () => {
    const email = `${uniqueName("ana")}@Example.com`;
    const added = await access.addMember({ email, role: Role.VIEWER }, bearer(k.keys.admin.token));
    expect(added.member).toMatchObject({
      workspace: "default",
      email: email.toLowerCase(),
      role: Role.VIEWER,
      addedBy: k.keys.admin.name,
    });
    const again = await expectCode(
      access.addMember({ email: email.toUpperCase(), role: Role.ADMIN }, bearer(k.keys.admin.token)),
      Code.AlreadyExists,
    );
    expect(again.rawMessage).toContain("UpdateMember");
    const updated = await access.updateMember({ email, role: Role.EDITOR }, bearer(k.keys.admin.token));
    expect(updated.member?.role).toBe(Role.EDITOR);
    const listed = await access.listMembers({}, bearer(k.keys.admin.token));
    expect(listed.members.find((m) => m.email === email.toLowerCase())?.role).toBe(Role.EDITOR);
    await access.removeMember({ email }, bearer(k.keys.admin.token));
    const gone = await expectCode(access.removeMember({ email }, bearer(k.keys.admin.token)), Code.NotFound);
    expect(reasonOf(gone)).toBe("MEMBER_NOT_FOUND");
    await expectCode(
      access.updateMember({ email, role: Role.ADMIN }, bearer(k.keys.admin.token)),
      Code.NotFound,
    );
  });

  it("refuses bad emails and a missing role with INVALID_ARGUMENT naming the field, and non-admins", async () => {
    const bad = await expectCode(
      access.addMember({ email: "not an email", role: Role.UNSPECIFIED }, bearer(k.keys.admin.token)),
      Code.InvalidArgument,
    );
    expect(bad.rawMessage).toContain("email");
    expect(bad.rawMessage).toContain("role");
    const denied = await expectCode(
      access.addMember({ email: "x@example.com", role: Role.ADMIN }, bearer(k.keys.editor.token)),
      Code.PermissionDenied,
    );
    expect(denied.rawMessage).toBe(
      `AddMember needs the "admin" role in workspace "default"; API key "${k.keys.editor.name}" has "editor"`,
    );
    expect(
      (await access.listMembers({}, bearer(k.keys.admin.token))).members.map((m) => m.email),
    ).not.toContain("x@example.com");
  });

  it("mcp whoami, mcp members and mcp audit", async () => {
    const who = await cli(k.keys.viewer.token, "whoami");
    expect(who.code).toBe(0);
    expect(who.stdout).toContain(`key ${k.keys.viewer.name}`);
    expect(who.stdout).toContain("in workspace default: viewer");

    const email = `${uniqueName("bo")}@example.com`;
    const add = await cli(k.keys.admin.token, "members", "add", email, "--role", "operator");
    expect(add.code).toBe(0);
    expect(add.stdout).toContain(`added ${email} as operator in workspace default`);
    const list = await cli(k.keys.admin.token, "members", "list");
    expect(list.stdout).toMatch(new RegExp(`${email}\\s+operator\\s+${k.keys.admin.name}`));
    const badRole = await cli(k.keys.admin.token, "members", "update", email, "--role", "owner");
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('"owner" is not a role');
    const denied = await cli(k.keys.editor.token, "members", "rm", email);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('RemoveMember needs the "admin" role');
    expect((await cli(k.keys.admin.token, "members", "rm", email)).code).toBe(0);

    const name = uniqueName("cli-audited");
    await k.p.clients.registry.createMcp(newPythonMcp(name), bearer(k.keys.editor.token));
    const audit = await cli(k.keys.admin.token, "audit", "--actor", k.keys.editor.name, "--rpc", "CreateMcp");
    expect(audit.code).toBe(0);
    expect(audit.stdout).toMatch(new RegExp(`${k.keys.editor.name}\\s+key\\s+CreateMcp\\s+${name}\\s+OK`));
    const removed = await cli(
      k.keys.admin.token,
      "audit",
      "--rpc",
      "RemoveMember",
      "--outcome",
      "permission_denied",
    );
    expect(removed.stdout).toContain(k.keys.editor.name);
    expect(removed.stdout).toContain(email);
  });

  it("npm run keys › --role makes a key with that role; the old --scopes maps to one with a deprecation note", async () => {
    const made = await adminKeys(k.p.db.url, "create", "--name", uniqueName("ops"), "--role", "operator");
    expect(made.code).toBe(0);
    expect(made.stderr).toContain("role: operator");
    expect((await access.whoAmI({}, bearer(made.stdout.trim()))).role).toBe(Role.OPERATOR);
    const legacy = await adminKeys(
      k.p.db.url,
      "create",
      "--name",
      uniqueName("ci"),
      "--scopes",
      "write,execute",
    );
    expect(legacy.code).toBe(0);
    expect(legacy.stderr).toContain('--scopes is deprecated; "write,execute" maps to --role editor');
    expect((await access.whoAmI({}, bearer(legacy.stdout.trim()))).role).toBe(Role.EDITOR);
    const unknown = await adminKeys(k.p.db.url, "create", "--name", uniqueName("x"), "--role", "root");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown role "root"; known: viewer, editor, operator, admin');
    const none = await adminKeys(k.p.db.url, "create", "--name", uniqueName("y"));
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("create needs --role <viewer|editor|operator|admin>");
  });
});
