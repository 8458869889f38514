export * from "./checks.js";
export * from "./patterns.js";
export * from "./metadata.js";
export * from "./identity.js";
export * from "./secret-name.js";
export * from "./request-limits.js";
export * from "./field-order.js";
