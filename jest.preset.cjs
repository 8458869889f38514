// Shared Jest settings: SWC transforms TypeScript (with decorator metadata for TypeORM),
// and the `.js` suffixes of generated protobuf imports map back to their `.ts` sources.
const ESM_ONLY = require("./jest.esm-only.cjs");

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  transform: {
    "^.+\\.ts$": [
      "@swc/jest",
      {
        jsc: {
          target: "es2022",
          parser: { syntax: "typescript", decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
        },
        module: { type: "commonjs" },
        sourceMaps: "inline",
      },
    ],
    // ESM-only packages (no CommonJS build): compiled to CommonJS like our own sources.
    [`/node_modules/(${ESM_ONLY.join("|")})/.+\\.js$`]: [
      "@swc/jest",
      { jsc: { target: "es2022" }, module: { type: "commonjs" } },
    ],
  },
  transformIgnorePatterns: [`/node_modules/(?!(${ESM_ONLY.join("|")})/)`],
  moduleFileExtensions: ["ts", "js", "json"],
  moduleNameMapper: { "^(\\.{1,2}/.*)\\.js$": "$1" },
  testMatch: ["**/*.spec.ts", "**/*.test.ts"],
  // Jest's default of 5 s per test (and per hook) fails suites on a loaded machine (a second test run
  // beside this one on the same cores) although nothing is wrong: tests wait on conditions, and a
  // test that hangs still fails, after 30 s.
  testTimeout: 30_000,
  testPathIgnorePatterns: ["/node_modules/", "/dist/"],
};
