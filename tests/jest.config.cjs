const preset = require("../jest.preset.cjs");

/** @type {import('jest').Config} */
module.exports = {
  ...preset,
  displayName: "e2e",
  testTimeout: 60_000,
  // End-to-end suites start real servers and child processes: run them one at a time.
  maxWorkers: 1,
  // Browser and `npm start` suites serve the built web console: build it first when missing or stale.
  globalSetup: "<rootDir>/console-build.cjs",
};
