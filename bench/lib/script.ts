/**
 * Runs a benchmark script's `main` and exits: 0 when it resolves, 1 with the error on stderr when it
 * rejects (a benchmark fails only when something broke, never for being slow).
 */
export function runBenchScript(name: string, main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      process.stderr.write(
        `${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
