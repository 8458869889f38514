import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { ServiceImpl } from "@connectrpc/connect";
import type { WorkspaceEntity } from "@mcp/db";
import {
  CreateWorkspaceRequestSchema,
  CreateWorkspaceResponseSchema,
  DeleteWorkspaceRequestSchema,
  DeleteWorkspaceResponseSchema,
  GetWorkspaceRequestSchema,
  GetWorkspaceResponseSchema,
  ListWorkspacesRequestSchema,
  ListWorkspacesResponseSchema,
  WorkspaceSchema,
  type Workspace,
  type WorkspaceService,
} from "@mcp/proto/registry";
import { callInfoKey, validationTable, WORKSPACE_NAME, type ValidationTable } from "@mcp/runtime";
import { checkPageSize } from "@mcp/validation";
import type { FieldViolation } from "@mcp/errors";
import type { Workspaces } from "./workspaces.js";

/** The API form of a workspace. */
export function toWorkspace(row: WorkspaceEntity): Workspace {
  return create(WorkspaceSchema, {
    name: row.name,
    createTime: timestampFromDate(row.createdAt),
    createdBy: row.createdBy ?? "",
  });
}

/** WorkspaceService over {@link Workspaces}; handlers only translate. */
export function workspaceService(workspaces: Workspaces): ServiceImpl<typeof WorkspaceService> {
  return {
    async createWorkspace(req, ctx) {
      const row = await workspaces.create(req.name, ctx.values.get(callInfoKey)?.principal);
      return create(CreateWorkspaceResponseSchema, { workspace: toWorkspace(row) });
    },
    async getWorkspace(req) {
      return create(GetWorkspaceResponseSchema, { workspace: toWorkspace(await workspaces.get(req.name)) });
    },
    async listWorkspaces(req) {
      const page = await workspaces.list(req.pageSize, req.pageToken, toWorkspace);
      return create(ListWorkspacesResponseSchema, {
        workspaces: page.items,
        nextPageToken: page.nextPageToken,
      });
    },
    async deleteWorkspace(req) {
      return create(DeleteWorkspaceResponseSchema, {
        workspace: toWorkspace(await workspaces.delete(req.name)),
      });
    },
  };
}

function checkWorkspaceName(name: string): FieldViolation[] {
  if (!name) return [{ field: "name", description: "is required" }];
  if (!WORKSPACE_NAME.test(name)) {
    return [
      {
        field: "name",
        description:
          "must be lower-case letters, digits and dashes, starting with a letter, at most 63 characters",
      },
    ];
  }
  return [];
}

/** Input rules of WorkspaceService's requests. */
export const workspaceValidation: ValidationTable = validationTable([
  [CreateWorkspaceRequestSchema, (m: { name: string }) => checkWorkspaceName(m.name)],
  [GetWorkspaceRequestSchema, (m: { name: string }) => checkWorkspaceName(m.name)],
  [DeleteWorkspaceRequestSchema, (m: { name: string }) => checkWorkspaceName(m.name)],
  [ListWorkspacesRequestSchema, (m: { pageSize: number }) => checkPageSize(m.pageSize)],
]);
