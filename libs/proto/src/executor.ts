/** mcp.executor.v1: workflow runs, step runs and ExecutorService. */
export * from "./gen/mcp/executor/v1/run_pb.js";
export * from "./gen/mcp/executor/v1/executor_service_pb.js";
