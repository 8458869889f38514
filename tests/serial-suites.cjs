// The e2e suites that run one at a time, never beside another e2e suite (jest.config.cjs's
// `e2e-serial` project); every other suite runs two at a time and must keep to what makes that safe
// (tests/README.md: its own database and names, TEST_REDIS_URL, port 0, no fixed files). A suite
// belongs here when it:
module.exports = [
  // runs its own PostgreSQL or Redis and stops or restarts it on the same port (another suite could
  // take the port meanwhile), or asserts how soon service is back (2.5 s)
  "executor/outage.test.ts",
  "registry/redis-down.test.ts",
  "registry/postgres-down.test.ts",
  "deploy/redis-sentinel.test.ts",
  // points a service at a port it found free and keeps it dead for the whole suite
  "executor/redis-down.test.ts",
  "workflows/registry-down.test.ts",
  // runs `npm start` (embedded PostgreSQL, its own service processes found with pgrep) or builds
  // the repository's dist/ with `npm run build`
  "start/single-node.test.ts",
  "start/multi-process.test.ts",
  "start/console-alone.test.ts",
  "start/embedded-postgres.test.ts",
  "deploy/compiled.test.ts",
  // holds the clock to the second over 30 ticks (3 executor processes, kill -9), or a step's
  // processes to dying within 1 s of a kill -9 (and runs a fork bomb)
  "schedules/replicas.test.ts",
  "sandbox/attacks.test.ts",
  // keeps both cores busy on its own: 1,000 for_each items at 16 at a time; 2,000 fuzzed requests
  "executor/for-each.test.ts",
  "fuzz/fuzz.test.ts",
];
