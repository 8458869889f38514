/** mcp.registry.v1: the MCP catalogue's messages and RegistryService. */
export * from "./gen/mcp/registry/v1/mcp_pb.js";
export * from "./gen/mcp/registry/v1/registry_service_pb.js";
export * from "./gen/mcp/registry/v1/workspace_pb.js";
export * from "./gen/mcp/registry/v1/workspace_service_pb.js";
