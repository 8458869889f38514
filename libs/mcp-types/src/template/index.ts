export { replacePlaceholders, templateVariables, undeclaredVariables, type Placeholder } from "./grammar.js";
