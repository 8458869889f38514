#!/usr/bin/env node
// Launcher for the `mcp` command: registers tsx (ESM and CJS TypeScript loaders), then runs the CLI
// from its TypeScript sources, in this same process (signals and exit codes need no forwarding).
import "tsx";

await import("../src/main.ts");
