/** mcp.workflows.v1: workflow definitions, their versions and WorkflowService. */
export * from "./gen/mcp/workflows/v1/workflow_pb.js";
export * from "./gen/mcp/workflows/v1/workflow_service_pb.js";
