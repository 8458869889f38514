import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import type { WorkspaceMemberEntity } from "@mcp/db";
import {
  AddMemberResponseSchema,
  CallerSchema,
  ListMembersResponseSchema,
  MemberSchema,
  RemoveMemberResponseSchema,
  UpdateMemberResponseSchema,
  WhoAmIResponseSchema,
  type AccessService,
  type Member,
} from "@mcp/proto/registry";
import { DEFAULT_WORKSPACE, callInfoKey } from "@mcp/runtime";
import type { MemberActor, Members } from "./access/members.js";
import { roleFromProto, roleToProto } from "./access/roles.js";

const toMember = (row: WorkspaceMemberEntity): Member =>
  create(MemberSchema, {
    workspace: row.workspace,
    email: row.email,
    role: roleToProto(row.role),
    addedBy: row.addedBy,
    addTime: timestampFromDate(row.addedAt),
  });

const workspaceOf = (ctx: HandlerContext) => ctx.values.get(callInfoKey)?.workspace ?? DEFAULT_WORKSPACE;

const actorOf = (ctx: HandlerContext): MemberActor => {
  const info = ctx.values.get(callInfoKey);
  return { workspace: info?.workspace ?? DEFAULT_WORKSPACE, by: info?.principal ?? "" };
};

/** AccessService: translates between the wire and {@link Members} and the call's identity. */
export function accessService(members: Members): ServiceImpl<typeof AccessService> {
  return {
    whoAmI(_req, ctx) {
      const info = ctx.values.get(callInfoKey);
      const caller = info?.caller;
      return create(WhoAmIResponseSchema, {
        caller: caller && create(CallerSchema, { kind: caller.kind, id: caller.id, name: caller.name }),
        workspace: workspaceOf(ctx),
        role: roleToProto(info?.role),
        // With authentication on, no call reaches a handler without a caller.
        authEnabled: caller !== undefined,
      });
    },

    async listMembers(req, ctx) {
      const page = await members.list(workspaceOf(ctx), req.pageToken, req.pageSize);
      return create(ListMembersResponseSchema, {
        members: page.items.map(toMember),
        nextPageToken: page.nextPageToken,
      });
    },

    async addMember(req, ctx) {
      const row = await members.add(actorOf(ctx), req.email, roleFromProto(req.role)!);
      return create(AddMemberResponseSchema, { member: toMember(row) });
    },

    async updateMember(req, ctx) {
      const row = await members.update(actorOf(ctx), req.email, roleFromProto(req.role)!);
      return create(UpdateMemberResponseSchema, { member: toMember(row) });
    },

    async removeMember(req, ctx) {
      await members.remove(actorOf(ctx), req.email);
      return create(RemoveMemberResponseSchema, {});
    },
  };
}
