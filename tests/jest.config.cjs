const preset = require("../jest.preset.cjs");
const ESM_ONLY = require("../jest.esm-only.cjs");
const SERIAL_SUITES = require("./serial-suites.cjs");

/** The two projects' settings: each suite's own, whichever project runs it. */
const { testTimeout: _unitTestTimeout, ...projectPreset } = preset;
const suites = {
  ...projectPreset,
  rootDir: __dirname,
  // Once per run (one module for both projects: Jest runs it once): the web console's build (browser
  // and `npm start` suites serve it) when missing or stale, and the migrated template every suite's
  // database is copied from (dropped at the end).
  globalSetup: "<rootDir>/global-setup.cjs",
  globalTeardown: "<rootDir>/global-teardown.cjs",
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

const escape = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** @type {import('jest').Config} */
module.exports = {
  // generous: each test starts servers and sandboxed processes, and a loaded machine (a second test
  // run beside this one) makes that many times slower; tests wait on conditions, not on the clock
  testTimeout: 180_000,
  // Two suites at a time (the `e2e` project): each has its own database (a copy of the migrated
  // template), its own Redis database (TEST_REDIS_URL: one per Jest worker), servers on port 0 and
  // random names. The suites of serial-suites.cjs (their own PostgreSQL or Redis processes, `npm
  // start`, Chromium, kill -9 and clock-bound assertions, the heaviest loads) run afterwards, one
  // at a time and alone (the `e2e-serial` project's runner is serial). See tests/README.md.
  maxWorkers: 2,
  projects: [
    {
      ...suites,
      displayName: "e2e",
      testPathIgnorePatterns: [
        ...preset.testPathIgnorePatterns,
        ...SERIAL_SUITES.map((suite) => `^${escape(`${__dirname}/${suite}`)}$`),
      ],
    },
    {
      ...suites,
      displayName: "e2e-serial",
      runner: "<rootDir>/serial-runner.cjs",
      testMatch: SERIAL_SUITES.map((suite) => `<rootDir>/${suite}`),
    },
  ],
};
