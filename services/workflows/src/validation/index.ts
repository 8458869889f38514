/** Pure validation of a workflow spec (no I/O): every violation with its proto field path. */
export { validateSpec, type ValidateSpecOptions } from "./validate-spec.js";
export { inFieldOrder } from "./field-order.js";
export { SPEC_VIOLATION_CODES, type SpecViolation, type SpecViolationCode } from "./violation.js";
export { topologicalOrder, upstreamOf } from "./graph.js";
export { mcpReferences, type StepMcpReference } from "./mcp-refs.js";
export { MAX_LISTED_CYCLES } from "./cycles.js";
export { RETRY_DEFAULTS } from "./retry-rules.js";
