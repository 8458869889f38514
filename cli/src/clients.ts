import { createClient, type Client, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  ExecutorService,
  RunRetentionService,
  ScheduleService,
  SecretService,
  TriggerService,
} from "@mcp/proto/executor";
import { AccessService, AuditService, RegistryService, WorkspaceService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import type { CliConfig } from "./config.js";

/** One gRPC client per service (three on the registry: catalogue, access, audit; five on the executor). */
export interface Clients {
  readonly registry: Client<typeof RegistryService>;
  readonly workflows: Client<typeof WorkflowService>;
  readonly executor: Client<typeof ExecutorService>;
  /** The executor's secrets store (same address as `executor`). */
  readonly secrets: Client<typeof SecretService>;
  /** The executor's webhook triggers (same address as `executor`). */
  readonly triggers: Client<typeof TriggerService>;
  /** The executor's run retention (same address as `executor`). */
  readonly retention: Client<typeof RunRetentionService>;
  /** The executor's schedules (same address as `executor`). */
  readonly schedules: Client<typeof ScheduleService>;
  /** Who you are and the workspace's members (same address as `registry`). */
  readonly access: Client<typeof AccessService>;
  /** The audit log (same address as `registry`). */
  readonly audit: Client<typeof AuditService>;
  /** The workspaces (the registry's WorkspaceService). */
  readonly workspaces: Client<typeof WorkspaceService>;
}

/** Sends the credential (an API key, or the token of `mcp login`) on every call. */
function bearer(credential: string): Interceptor {
  return (next) => async (req) => {
    req.header.set("authorization", `Bearer ${credential}`);
    return next(req);
  };
}

/** Names the workspace every call acts in (`--workspace`, MCP_WORKSPACE). */
function inWorkspace(workspace: string): Interceptor {
  return (next) => async (req) => {
    req.header.set("x-mcp-workspace", workspace);
    return next(req);
  };
}

/** The clients, sending `credential` (default: the configured API key) as `authorization: Bearer`. */
export function createClients(config: CliConfig, credential = config.apiKey): Clients {
  const interceptors = [
    ...(credential === undefined ? [] : [bearer(credential)]),
    ...(config.workspace === undefined ? [] : [inWorkspace(config.workspace)]),
  ];
  const transport = (baseUrl: string) => createGrpcTransport({ baseUrl, interceptors });
  return {
    registry: createClient(RegistryService, transport(config.registryUrl)),
    workflows: createClient(WorkflowService, transport(config.workflowsUrl)),
    executor: createClient(ExecutorService, transport(config.executorUrl)),
    secrets: createClient(SecretService, transport(config.executorUrl)),
    triggers: createClient(TriggerService, transport(config.executorUrl)),
    retention: createClient(RunRetentionService, transport(config.executorUrl)),
    schedules: createClient(ScheduleService, transport(config.executorUrl)),
    access: createClient(AccessService, transport(config.registryUrl)),
    audit: createClient(AuditService, transport(config.registryUrl)),
    workspaces: createClient(WorkspaceService, transport(config.registryUrl)),
  };
}
