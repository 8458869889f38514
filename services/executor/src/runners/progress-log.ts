import { StepFailure, type StepContext } from "../step/index.js";

/**
 * Progress lines of a runner that starts no process (an LLM call, an assistant's turns and tool
 * calls): each is told to the live log as it happens (`onOutput`, stderr, so TailStepLogs and the
 * console follow it, masked like any output) and kept for the step record's stderr.
 */
export class ProgressLog {
  private text = "";

  constructor(private readonly onOutput: StepContext["onOutput"]) {}

  line(text: string): void {
    const line = `${text}\n`;
    this.text += line;
    this.onOutput?.("stderr", Buffer.from(line));
  }

  /** Every line so far, for the step record's stderr. */
  get stderr(): string {
    return this.text;
  }

  /**
   * Runs `work`; a StepFailure keeps the lines so far as its stderr (after a last line naming its
   * code). Other errors pass through as they are (the runner's own handling turns them into failures).
   */
  async around<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (!(error instanceof StepFailure)) throw error;
      this.line(`failed: ${error.code}`);
      throw new StepFailure(
        error.code,
        error.message,
        { ...error.output, stderr: this.text + (error.output.stderr ?? "") },
        { cause: error.cause ?? error },
      );
    }
  }
}

/** `12 input + 5 output tokens`. */
export function tokens(usage: { inputTokens: number; outputTokens: number }): string {
  return `${usage.inputTokens} input + ${usage.outputTokens} output tokens`;
}
