export { stepCounts } from "./step-counts.js";
export { selectorText } from "./selector-text.js";
