/** mcp.executor.v1: workflow runs, step runs, schedules, triggers; ExecutorService, SecretService, ScheduleService, TriggerService and RunRetentionService. */
export * from "./gen/mcp/executor/v1/run_pb.js";
export * from "./gen/mcp/executor/v1/executor_service_pb.js";
export * from "./gen/mcp/executor/v1/secret_pb.js";
export * from "./gen/mcp/executor/v1/secret_service_pb.js";
export * from "./gen/mcp/executor/v1/schedule_pb.js";
export * from "./gen/mcp/executor/v1/schedule_service_pb.js";
export * from "./gen/mcp/executor/v1/trigger_pb.js";
export * from "./gen/mcp/executor/v1/trigger_service_pb.js";
export * from "./gen/mcp/executor/v1/retention_service_pb.js";
export { isFinalRunStatus, isFinalStepStatus } from "./final-statuses.js";
