import { createClient, type Client } from "@connectrpc/connect";
import { ExecutorService, ScheduleService, SecretService, TriggerService } from "@mcp/proto/executor";
import { AccessService, AuditService, RegistryService, WorkspaceService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import type { Transports } from "./transports";

/** A typed client per service, built from the contract's service descriptors. */
export interface Clients {
  readonly registry: Client<typeof RegistryService>;
  readonly workflows: Client<typeof WorkflowService>;
  readonly executor: Client<typeof ExecutorService>;
  /** The executor's secrets store, served at the executor's address. */
  readonly secrets: Client<typeof SecretService>;
  /** The executor's webhook triggers, served at the executor's address. */
  readonly triggers: Client<typeof TriggerService>;
  /** The executor's schedules, served at the executor's address. */
  readonly schedules: Client<typeof ScheduleService>;
  /** Who you are and the workspace's members, served at the registry's address. */
  readonly access: Client<typeof AccessService>;
  /** The audit log, served at the registry's address. */
  readonly audit: Client<typeof AuditService>;
  /** The workspaces, served at the registry's address. */
  readonly workspaces: Client<typeof WorkspaceService>;
}

export function createClients(transports: Transports): Clients {
  return {
    registry: createClient(RegistryService, transports.registry),
    workflows: createClient(WorkflowService, transports.workflows),
    executor: createClient(ExecutorService, transports.executor),
    secrets: createClient(SecretService, transports.executor),
    triggers: createClient(TriggerService, transports.executor),
    schedules: createClient(ScheduleService, transports.executor),
    access: createClient(AccessService, transports.registry),
    audit: createClient(AuditService, transports.registry),
    workspaces: createClient(WorkspaceService, transports.registry),
  };
}
