const preset = require("../jest.preset.cjs");
const ESM_ONLY = require("../jest.esm-only.cjs");

/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  displayName: "e2e",
  // generous: each test starts servers and sandboxed processes, and a loaded machine (a second test
  // run beside this one) makes that many times slower; tests wait on conditions, not on the clock
  testTimeout: 180_000,
  // End-to-end suites start real servers and child processes: run them one at a time.
  maxWorkers: 1,
  // Browser and `npm start` suites serve the built web console: build it first when missing or stale.
  globalSetup: "<rootDir>/console-build.cjs",
  // The OTLP exporter loads `http` with a dynamic `import()`, which Jest's module sandbox refuses
  // without --experimental-vm-modules (node and tsx run it as it is): compile that package to
  // CommonJS `require` for the tracing tests.
  transform: {
    ...preset.transform,
    "/node_modules/@opentelemetry/otlp-exporter-base/.+\\.js$": [
      "@swc/jest",
      { jsc: { target: "es2022", parser: { syntax: "ecmascript" } }, module: { type: "commonjs" } },
    ],
  },
  // ...and the ESM-only packages the preset compiles
  transformIgnorePatterns: [
    `/node_modules/(?!(${[...ESM_ONLY, "@opentelemetry/otlp-exporter-base"].join("|")})/)`,
  ],
};
