export { LlmUsageMeter } from "./llm-usage.js";
export { PriceTable, COST_SCALE } from "./price-table.js";
export { stepTokensOf, type StepTokens } from "./step-usage.js";
export { runUsageOf, toLlmUsage, type RunUsage } from "./usage-fields.js";
