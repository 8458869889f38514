// Jest's own runner, marked serial: Jest runs a serial runner's suites one at a time in its own
// process (as `--runInBand` does), after the suites of the parallel runner. The suites of
// jest.config.cjs's `e2e-serial` project (serial-suites.cjs) run with it.
const TestRunner = require("jest-runner").default;

class SerialRunner extends TestRunner {
  isSerial = true;
}

module.exports = SerialRunner;
