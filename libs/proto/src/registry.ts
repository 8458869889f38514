/** mcp.registry.v1: the MCP catalogue (RegistryService), access (AccessService: roles, members) and the audit log (AuditService). */
export * from "./gen/mcp/registry/v1/mcp_pb.js";
export * from "./gen/mcp/registry/v1/registry_service_pb.js";
export * from "./gen/mcp/registry/v1/member_pb.js";
export * from "./gen/mcp/registry/v1/access_service_pb.js";
export * from "./gen/mcp/registry/v1/audit_event_pb.js";
export * from "./gen/mcp/registry/v1/audit_service_pb.js";
export * from "./gen/mcp/registry/v1/workspace_pb.js";
export * from "./gen/mcp/registry/v1/workspace_service_pb.js";
