import { fuzz, summary, type FuzzReport } from "./harness";
import { fuzzOptions } from "./options";

/**
 * The fuzz suite as part of `npm test`: 2,000 malformed requests by default (FUZZ_COUNT; `npm run
 * fuzz` sends 10,000), seed printed and settable (FUZZ_SEED). Over every RPC of the registry,
 * workflows and executor (runs and secrets), in gRPC, gRPC-Web and Connect (JSON and binary).
 */
describe("Malformed requests (seeded fuzz)", () => {
  const lines: string[] = [];
  const options = fuzzOptions(2_000, (line) => lines.push(line));
  let report: FuzzReport;

  beforeAll(async () => {
    process.stdout.write(`fuzz: FUZZ_SEED=${options.seed} FUZZ_COUNT=${options.count}\n`);
    report = await fuzz(options);
    process.stdout.write(`${[...lines, ...summary(report)].join("\n")}\n`);
  }, 900_000);

  it("answers none with INTERNAL, UNKNOWN or HTTP 500, accepts none that would write, and takes at most 1 s for each", () => {
    expect(report.failures.map((f) => `case ${f.index}: ${f.rpc} with ${f.what}: ${f.rule}`)).toEqual([]);
    expect(report.cases).toBe(options.only === undefined ? options.count : 1);
  });

  it("writes nothing: every table has as many rows after as before", () => {
    expect(report.rowChanges).toEqual({});
  });

  it("leaves every service SERVING (grpc.health.v1)", () => {
    expect(report.notServing).toEqual([]);
  });

  it("covers every RPC of the three services", () => {
    expect(report.rpcs).toBe(54);
  });
});
