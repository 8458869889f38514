/** The workflow engine: scheduling, input mapping, retries and outcomes of one run. */
export { runPlan, DEFAULT_MAX_PARALLELISM, type EngineDeps } from "./scheduler.js";
export { InvalidPlanError } from "./order.js";
export { DEFAULT_RETRY_POLICY, abortableSleep } from "./retry.js";
export * from "./types.js";
