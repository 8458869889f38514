/**
 * The step contract: what the engine hands a runner for one attempt (StepContext) and what it gets
 * back (StepResult or StepFailure). The engine and the runners both depend on this, never on each
 * other.
 */
export type {
  ChildCall,
  ChildSteps,
  JsonObject,
  JsonValue,
  PinnedMcp,
  Runner,
  RunnerFor,
  StepContext,
  StepResult,
} from "./contract.js";
export { StepFailure, type StepFailureCode } from "./step-failure.js";
export { abortableSleep, backoffDelayMs, type Backoff } from "./backoff.js";
