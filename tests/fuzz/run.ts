/**
 * `npm run fuzz`: 10,000 malformed requests (FUZZ_COUNT) over every RPC of the three services, with a
 * printed seed (FUZZ_SEED) so that any failure reproduces (FUZZ_CASE replays one). Exits 1 on a failure.
 */
import { fuzz, summary } from "./harness";
import { fuzzOptions } from "./options";

async function main(): Promise<number> {
  const options = fuzzOptions(10_000, (line) => console.log(line));
  console.log(
    `fuzz: FUZZ_SEED=${options.seed} FUZZ_COUNT=${options.count}` +
      (options.only === undefined ? "" : ` FUZZ_CASE=${options.only}`) +
      ` (a call may take at most ${options.maxCallMs} ms)`,
  );
  const report = await fuzz(options);
  for (const line of summary(report)) console.log(line);
  const ok =
    report.failures.length === 0 &&
    Object.keys(report.rowChanges).length === 0 &&
    report.notServing.length === 0;
  console.log(ok ? "fuzz: passed" : "fuzz: FAILED");
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(2);
  },
);
