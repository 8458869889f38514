/** Fakes for the engine's unit tests: an in-memory recorder, controllable runners, plan builders. */
export { deferred, settle, type Deferred } from "./deferred.js";
export { MemoryRecorder, type RecorderCall } from "./recorder.js";
export { FakeRunners, result, type Behaviour, type FakeAttempt } from "./runners.js";
export { from, plan, spec, step, type StepOptions } from "./plans.js";
export { startRun, type RunSetup, type StartedRun } from "./harness.js";
export { MemoryWaits } from "./waits.js";
export { MemoryChildren } from "./children.js";
export { MemoryPermits } from "./permits.js";
