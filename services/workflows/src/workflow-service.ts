import { create } from "@bufbuild/protobuf";
import type { ServiceImpl } from "@connectrpc/connect";
import { callWorkspace } from "@mcp/runtime";
import {
  CreateWorkflowResponseSchema,
  DeleteWorkflowResponseSchema,
  GetWorkflowResponseSchema,
  ListMcpUsagesResponseSchema,
  ListWorkflowsResponseSchema,
  ListWorkflowVersionsResponseSchema,
  SetCurrentWorkflowVersionResponseSchema,
  UpdateWorkflowResponseSchema,
  ValidateWorkflowResponseSchema,
  type WorkflowService,
} from "@mcp/proto/workflows";
import type { WorkflowListing } from "./catalog/listing.js";
import type { McpUsages } from "./catalog/mcp-usages.js";
import { toWorkflow, toWorkflowVersion } from "./catalog/mapping.js";
import type { WorkflowReader } from "./catalog/workflow-catalog.js";
import type { WorkflowWriter } from "./catalog/workflow-writer.js";
import type { WorkflowValidator } from "./catalog/workflow-validator.js";

/** The catalogue modules the handlers delegate to. */
export interface WorkflowDeps {
  readonly reader: WorkflowReader;
  readonly writer: WorkflowWriter;
  readonly listing: WorkflowListing;
  readonly validator: WorkflowValidator;
  readonly usages: McpUsages;
}

/** WorkflowService over the catalogue. Requests arrive validated; handlers only translate. */
export function workflowService(deps: WorkflowDeps): ServiceImpl<typeof WorkflowService> {
  const { reader, writer, listing, validator, usages } = deps;
  return {
    async createWorkflow(req, ctx) {
      const { def, version } = await writer.create(callWorkspace(ctx), {
        name: req.name,
        description: req.description,
        tags: req.tags,
        spec: req.spec!,
        changeNote: req.changeNote,
      });
      return create(CreateWorkflowResponseSchema, {
        workflow: toWorkflow(def),
        version: toWorkflowVersion(version, def),
      });
    },

    async getWorkflow(req, ctx) {
      const def = await reader.definition(callWorkspace(ctx), req.workflow);
      const version = await reader.version(
        def,
        req.selector.case === "version" ? req.selector.value : def.currentVersion,
      );
      return create(GetWorkflowResponseSchema, {
        workflow: toWorkflow(def),
        version: toWorkflowVersion(version, def),
      });
    },

    async listWorkflows(req, ctx) {
      const page = await listing.list(callWorkspace(ctx), req);
      return create(ListWorkflowsResponseSchema, {
        workflows: page.items,
        nextPageToken: page.nextPageToken,
      });
    },

    async updateWorkflow(req, ctx) {
      const current = await reader.definition(callWorkspace(ctx), req.workflow, { live: true });
      const paths = req.updateMask?.paths ?? [];
      const all = paths.length === 0;
      const { def, version, versionCreated } = await writer.update(
        callWorkspace(ctx),
        req.workflow,
        req.etag,
        {
          description:
            paths.includes("description") || (all && req.description !== "") ? req.description : undefined,
          tags: paths.includes("tags") || (all && req.tags.length > 0) ? req.tags : undefined,
          spec: paths.includes("spec") || (all && req.spec !== undefined) ? req.spec : undefined,
          changeNote: req.changeNote,
        },
        current.name,
      );
      return create(UpdateWorkflowResponseSchema, {
        workflow: toWorkflow(def),
        version: toWorkflowVersion(version, def),
        versionCreated,
      });
    },

    async deleteWorkflow(req, ctx) {
      const def = await writer.delete(callWorkspace(ctx), req.workflow, req.etag);
      return create(DeleteWorkflowResponseSchema, { workflow: toWorkflow(def) });
    },

    async listWorkflowVersions(req, ctx) {
      const page = await listing.versions(callWorkspace(ctx), req.workflow, req.pageSize, req.pageToken);
      return create(ListWorkflowVersionsResponseSchema, {
        versions: page.items,
        nextPageToken: page.nextPageToken,
      });
    },

    async setCurrentWorkflowVersion(req, ctx) {
      const def = await writer.setCurrent(callWorkspace(ctx), req.workflow, req.etag, req.version);
      return create(SetCurrentWorkflowVersionResponseSchema, { workflow: toWorkflow(def) });
    },

    async validateWorkflow(req, ctx) {
      const report = await validator.validate(callWorkspace(ctx), req.target);
      return create(ValidateWorkflowResponseSchema, report);
    },

    async listMcpUsages(req) {
      const page = await usages.list(req);
      return create(ListMcpUsagesResponseSchema, { usages: page.items, nextPageToken: page.nextPageToken });
    },
  };
}
