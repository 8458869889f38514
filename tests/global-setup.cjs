// Jest globalSetup, once before any suite: builds the web console (console/dist) when it is missing
// or stale (support/console-build.ts) and migrates the template every suite's database is copied
// from (support/database.ts). The work is in TypeScript loaded through tsx: a globalSetup module is
// not resolved like test code, so the sources' `.js` imports need tsx's resolver; and tsx is given
// the root tsconfig (legacy decorators, which the TypeORM entities need), not the one of this folder.
const { resolve } = require("node:path");
const { require: tsxRequire } = require("tsx/cjs/api");

/** A TypeScript module of this folder, compiled with the root tsconfig. */
function load(path) {
  const before = process.env.TSX_TSCONFIG_PATH;
  process.env.TSX_TSCONFIG_PATH = resolve(__dirname, "../tsconfig.json");
  try {
    return tsxRequire(path, __filename);
  } finally {
    if (before === undefined) delete process.env.TSX_TSCONFIG_PATH;
    else process.env.TSX_TSCONFIG_PATH = before;
  }
}

module.exports = async function globalSetup() {
  const { buildConsoleForTests } = load("./support/console-build.ts");
  const { createSuiteTemplate } = load("./support/database.ts");
  const [template] = await Promise.all([createSuiteTemplate(), buildConsoleForTests()]);
  // for globalTeardown, which runs in this process
  globalThis.__MCP_TEST_TEMPLATE__ = template;
};
