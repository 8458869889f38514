/**
 * The platform's API contract, generated from `proto/` by `npm run generate` (never edit `src/gen`).
 * Import a package through its subpath: `@mcp/proto/registry`, `@mcp/proto/workflows`,
 * `@mcp/proto/executor`, `@mcp/proto/grpc`.
 */
export * as registry from "./registry.js";
export * as grpc from "./grpc.js";
export * as workflows from "./workflows.js";
export * as executor from "./executor.js";
