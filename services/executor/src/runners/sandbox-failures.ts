import type { SandboxedOutcome } from "@mcp/sandbox";
import { CPU_LIMIT_EXIT_CODE } from "../sandbox/python-bootstrap.js";
import { StepFailure, type StepResult } from "../step/index.js";

/** Lines of stderr quoted in a failure message. */
const STDERR_LINES_IN_MESSAGE = 15;

/** The captured streams of a sandboxed process, as a step result or failure carries them. */
export type CapturedOutput = Pick<StepResult, "stdout" | "stderr" | "stdoutTruncated" | "stderrTruncated">;

/** The limits a sandboxed step ran under, quoted in failure messages. */
export interface StepLimits {
  readonly timeoutSeconds: number;
  readonly memoryLimitMb: number;
  readonly processes: number;
  readonly cpuSeconds: number;
  readonly fileSizeBytes: number;
  readonly openFiles: number;
}

/**
 * What the Python runners need to turn a finished sandboxed process into a StepFailure: its captured
 * output, `fail(code, message)` carrying that output, and `withStderr(message)` quoting stderr's tail.
 */
export function sandboxFailures(outcome: SandboxedOutcome) {
  const captured: CapturedOutput = {
    stdout: outcome.stdout.text(),
    stderr: outcome.stderr.text(),
    stdoutTruncated: outcome.stdout.truncated,
    stderrTruncated: outcome.stderr.truncated,
  };
  const stderrTail = outcome.stderr.lastLines(STDERR_LINES_IN_MESSAGE);
  return {
    captured,
    stderrTail,
    fail: (code: StepFailure["code"], message: string) => new StepFailure(code, message, captured),
    withStderr: (message: string) =>
      stderrTail === "" ? message : `${message}; last lines of stderr:\n${stderrTail}`,
  };
}

/**
 * The failure for a process the sandbox could not set up, or that one of its limits ended (`what`
 * names it in the message, e.g. "python script"); undefined when it ended some other way. Memory and
 * the timeout are the caller's to report, as their messages differ by runner.
 */
export function limitFailure(
  outcome: SandboxedOutcome,
  what: string,
  limits: StepLimits,
): StepFailure | undefined {
  const { fail, withStderr } = sandboxFailures(outcome);
  if (outcome.setupError !== undefined) {
    return fail("SANDBOX_ERROR", `${what} could not start: ${outcome.setupError}`);
  }
  if (outcome.processLimit) {
    return fail(
      "PROCESS_LIMIT",
      `${what} reached its limit of ${limits.processes} processes and threads (a fork bomb?) and was stopped with every process it started`,
    );
  }
  if (outcome.signal === "SIGXCPU" || outcome.exitCode === CPU_LIMIT_EXIT_CODE) {
    return fail("CPU_LIMIT", `${what} used up its CPU time limit of ${limits.cpuSeconds} s and was killed`);
  }
  if (outcome.exitCode === 0) return undefined;
  const stderr = outcome.stderr.lastLines(STDERR_LINES_IN_MESSAGE);
  if (outcome.signal === "SIGXFSZ" || /\[Errno 27\] File too large/.test(stderr)) {
    return fail(
      "FILE_SIZE_LIMIT",
      withStderr(`${what} tried to write a file over its limit of ${formatBytes(limits.fileSizeBytes)}`),
    );
  }
  if (/\[Errno 24\] Too many open files/.test(stderr)) {
    return fail(
      "OPEN_FILES_LIMIT",
      withStderr(`${what} reached its limit of ${limits.openFiles} open files`),
    );
  }
  return undefined;
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
