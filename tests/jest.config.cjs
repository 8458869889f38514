const preset = require("../jest.preset.cjs");

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
};
