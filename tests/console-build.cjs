// Jest globalSetup: builds the web console (console/dist) when it is missing or stale, before any
// suite runs. The work is in support/console-build.ts, loaded through tsx: a globalSetup module is
// not resolved like test code, so the TypeScript sources' `.js` imports need tsx's resolver.
const { require: load } = require("tsx/cjs/api");

module.exports = async function buildConsole() {
  const { buildConsoleForTests } = load("./support/console-build.ts", __filename);
  await buildConsoleForTests();
};
