import type { SandboxedOutcome } from "../sandbox/run-sandboxed.js";
import { StepFailure, type StepResult } from "./runner.js";

/** Lines of stderr quoted in a failure message. */
const STDERR_LINES_IN_MESSAGE = 15;

/** The captured streams of a sandboxed process, as a step result or failure carries them. */
export type CapturedOutput = Pick<StepResult, "stdout" | "stderr" | "stdoutTruncated" | "stderrTruncated">;

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
