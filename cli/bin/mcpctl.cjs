#!/usr/bin/env node
// `mcpctl` (also `mcp` inside this workspace). Runs the compiled CLI, dist/mcpctl.cjs from
// `npm run build`, when it exists and no CLI source is newer than it; otherwise the TypeScript sources
// through tsx (slower to start: seconds instead of a tenth of one).
"use strict";
const { readdirSync, statSync } = require("node:fs");
const { join } = require("node:path");

const root = join(__dirname, "..", "..");
const compiled = join(root, "dist", "mcpctl.cjs");
/** Sources the bundle is built from that change while developing the CLI. */
const SOURCES = ["cli/src", "libs/errors/src", "libs/proto/src"].map((dir) => join(root, dir));

function newestMtime(dir) {
  let newest = 0;
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function compiledIsFresh() {
  let built;
  try {
    built = statSync(compiled).mtimeMs;
  } catch {
    return false;
  }
  return SOURCES.every((dir) => newestMtime(dir) <= built);
}

if (compiledIsFresh()) {
  require(compiled);
} else {
  require("tsx/cjs");
  require("../src/main.ts");
}
