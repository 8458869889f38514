/** Default cap per stream: the head kept for the step record. */
export const DEFAULT_OUTPUT_CAP_BYTES = 64 * 1024;

/** How much of a stream's end is kept apart from the head, for error messages. */
const TAIL_BYTES = 8 * 1024;

/**
 * Collects one output stream of a child process: the first `capBytes` bytes (what the step record
 * keeps) and, separately, the last few KiB (what an error message quotes). Memory stays bounded
 * however much the child writes.
 */
export class OutputCapture {
  private readonly head: Buffer[] = [];
  private headBytes = 0;
  private totalBytes = 0;
  private tail = Buffer.alloc(0);

  constructor(private readonly capBytes: number = DEFAULT_OUTPUT_CAP_BYTES) {
    if (!Number.isInteger(capBytes) || capBytes < 0)
      throw new RangeError(`capBytes must be >= 0, got ${capBytes}`);
  }

  write(chunk: Buffer): void {
    this.totalBytes += chunk.length;
    const room = this.capBytes - this.headBytes;
    if (room > 0) {
      const kept = chunk.length <= room ? chunk : chunk.subarray(0, room);
      this.head.push(Buffer.from(kept));
      this.headBytes += kept.length;
    }
    const joined = Buffer.concat([this.tail, chunk]);
    this.tail = Buffer.from(joined.subarray(Math.max(0, joined.length - TAIL_BYTES)));
  }

  /** True when the stream was longer than the cap. */
  get truncated(): boolean {
    return this.totalBytes > this.capBytes;
  }

  /** The kept head as UTF-8; a character cut by the cap is dropped rather than mangled. */
  text(): string {
    return new TextDecoder("utf-8").decode(Buffer.concat(this.head), { stream: true });
  }

  /** The last `maxLines` lines of the stream (from its last few KiB). */
  lastLines(maxLines: number): string {
    const lines = this.tail
      .toString("utf8")
      .replace(/^\uFFFD+/, "")
      .trimEnd()
      .split("\n");
    return lines.slice(-maxLines).join("\n");
  }
}
