/** Step conditions (`Step.when`): checked by the workflows service, evaluated by the executor. */
export {
  compileCondition,
  describeProblem,
  positionAt,
  MAX_CONDITION_LENGTH,
  type CompiledCondition,
  type ConditionBindings,
  type ConditionProblem,
  type ConditionResult,
  type SourcePosition,
} from "./condition.js";
export type { StepScope } from "./check.js";
export { compileKey, type CompiledKey, type KeyResult } from "./key.js";
