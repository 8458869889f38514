import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, createClient, createRouterTransport } from "@connectrpc/connect";
import { UnauthenticatedError } from "@mcp/errors";
import {
  AccessService,
  ListMembersResponseSchema,
  Role as RoleEnum,
  WhoAmIResponseSchema,
} from "@mcp/proto/registry";
import pino from "pino";
import { callInfoKey } from "../context.js";
import { errorInterceptor } from "../interceptors/errors.js";
import { loggingInterceptor } from "../interceptors/logging.js";
import { generateApiKey } from "./api-key.js";
import { authInterceptor } from "./interceptor.js";
import { ApiKeyVerifier, type StoredApiKey } from "./key-verifier.js";
import { MemberRoles } from "./roles.js";

const logger = pino({ level: "silent" });
const ROLE_ENUM = {
  viewer: RoleEnum.VIEWER,
  editor: RoleEnum.EDITOR,
  operator: RoleEnum.OPERATOR,
  admin: RoleEnum.ADMIN,
};

/** A JWT-shaped stand-in for a sign-in token of `email` (the fake verifier below reads it back). */
const userToken = (email: string) => `x.${Buffer.from(email).toString("base64url")}.sig`;
const emailOf = (token: string) =>
  token.startsWith("x.") ? Buffer.from(token.split(".")[1]!, "base64url").toString() : undefined;

/** An AccessService whose WhoAmI reports the call's identity, behind the real auth interceptor. */
function setup(members: Record<string, string>, bootstrap: string[] = [], signIn = true) {
  const viewerKey = generateApiKey();
  const keys = new Map<string, StoredApiKey>([
    [
      viewerKey.id,
      {
        id: viewerKey.id,
        name: "ci",
        secretHash: viewerKey.secretHash,
        role: "viewer",
        revokedAt: null,
        workspace: "default",
      },
    ],
  ]);
  const auth = authInterceptor({
    keys: new ApiKeyVerifier(
      { find: (id) => Promise.resolve(keys.get(id)), touch: () => Promise.resolve() },
      0,
    ),
    members: new MemberRoles(
      { roleOf: (workspace, email) => Promise.resolve(members[`${workspace}/${email}`]) },
      bootstrap,
      0,
    ),
    ...(signIn && {
      users: {
        verify: (token: string) => {
          const email = emailOf(token);
          if (!email) return Promise.reject(new UnauthenticatedError("the token is not valid"));
          return Promise.resolve({ kind: "user" as const, id: `u-${email}`, name: email });
        },
      },
    }),
  });
  const transport = createRouterTransport(
    (router) =>
      router.service(AccessService, {
        whoAmI(_req, ctx) {
          const info = ctx.values.get(callInfoKey);
          return create(WhoAmIResponseSchema, {
            workspace: info?.workspace,
            role: info?.role ? ROLE_ENUM[info.role] : RoleEnum.UNSPECIFIED,
            authEnabled: info?.caller !== undefined,
          });
        },
        listMembers: () => create(ListMembersResponseSchema, {}),
      }),
    {
      router: {
        interceptors: [loggingInterceptor(logger), errorInterceptor({ domain: "test", logger }), auth],
      },
    },
  );
  return { client: createClient(AccessService, transport), viewerKey: viewerKey.token };
}

const as = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

async function refusal(call: Promise<unknown>): Promise<ConnectError> {
  try {
    await call;
  } catch (err) {
    return ConnectError.from(err);
  }
  throw new Error("the call was allowed");
}

describe("authInterceptor", () => {
  it("a JWT where sign-in is not configured › UNAUTHENTICATED SIGN_IN_NOT_CONFIGURED; with it, a token that is no JWT is checked as a key", async () => {
    const denied = await refusal(setup({}, [], false).client.whoAmI({}, as(userToken("ana@example.com"))));
    expect(denied.code).toBe(Code.Unauthenticated);
    expect(denied.rawMessage).toMatch(/^a sign-in token \(JWT\) was sent, but this service accepts none/);
    const notJwt = await refusal(setup({}).client.whoAmI({}, as("not-a-key")));
    expect(notJwt.code).toBe(Code.Unauthenticated);
    expect(notJwt.rawMessage).toContain("the API key is malformed");
  });

  it("gives a signed-in user the role of their membership of the workspace", async () => {
    const { client } = setup({ "default/ana@example.com": "editor" });
    const me = await client.whoAmI({}, as(userToken("ana@example.com")));
    expect(me.role).toBe(RoleEnum.EDITOR);
    const denied = await refusal(client.listMembers({}, as(userToken("ana@example.com"))));
    expect(denied.code).toBe(Code.PermissionDenied);
    expect(denied.rawMessage).toBe(
      'ListMembers needs the "admin" role in workspace "default"; user "ana@example.com" has "editor"',
    );
  });

  it("lets a user without a membership ask who they are, and refuses the rest naming the role needed", async () => {
    const { client } = setup({});
    const me = await client.whoAmI({}, as(userToken("bob@example.com")));
    expect(me.role).toBe(RoleEnum.UNSPECIFIED);
    expect(me.authEnabled).toBe(true);
    const denied = await refusal(client.listMembers({}, as(userToken("bob@example.com"))));
    expect(denied.code).toBe(Code.PermissionDenied);
    expect(denied.rawMessage).toMatch(
      /^ListMembers needs the "admin" role in workspace "default"; user "bob@example.com" has no role there/,
    );
  });

  it("makes the bootstrap emails admins of `default` (case-insensitively)", async () => {
    const { client } = setup({}, ["root@example.com"]);
    await expect(client.listMembers({}, as(userToken("Root@Example.com")))).resolves.toBeDefined();
  });

  it("gives an API key its own role, and refuses a call without a credential saying how to send one", async () => {
    const { client, viewerKey } = setup({});
    expect((await client.whoAmI({}, as(viewerKey))).role).toBe(RoleEnum.VIEWER);
    const denied = await refusal(client.listMembers({}, as(viewerKey)));
    expect(denied.rawMessage).toBe(
      'ListMembers needs the "admin" role in workspace "default"; API key "ci" has "viewer"',
    );
    const anonymous = await refusal(client.whoAmI({}));
    expect(anonymous.code).toBe(Code.Unauthenticated);
    expect(anonymous.rawMessage).toContain(
      'WhoAmI needs a credential: send "authorization: Bearer <key or token>"',
    );
    const forged = await refusal(client.whoAmI({}, as("forged")));
    expect(forged.code).toBe(Code.Unauthenticated);
  });
});
