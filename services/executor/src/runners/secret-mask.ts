import { StringDecoder } from "node:string_decoder";
import { StepFailure, type JsonObject, type JsonValue, type StepResult } from "../step/index.js";

/** What a secret's value is replaced with wherever a step's output would show it. */
export const MASK = "***";

/** The shortest end of a cut-off stream that is taken for the start of a secret and masked. */
const MIN_PARTIAL = 4;

/**
 * Replaces the values of a step's secrets with `***` in what the step leaves behind: its outputs
 * (string values and keys, at any depth), stdout, stderr, usage and error message. A stream cut at its
 * cap that ends with the start of a secret has that start masked too. Longer values are masked
 * first, so a secret that contains another is not half-masked.
 */
export class SecretMask {
  private readonly values: readonly string[];

  constructor(values: Iterable<string>) {
    this.values = [...new Set(values)].filter((v) => v !== "").sort((a, b) => b.length - a.length);
  }

  /** `text` with every secret value masked; `truncated` also masks a secret's start at the very end. */
  text(text: string, truncated = false): string {
    let out = text;
    for (const value of this.values) out = out.split(value).join(MASK);
    if (!truncated) return out;
    for (const value of this.values) {
      for (let length = Math.min(value.length - 1, out.length); length >= MIN_PARTIAL; length--) {
        if (out.endsWith(value.slice(0, length))) return `${out.slice(0, out.length - length)}${MASK}`;
      }
    }
    return out;
  }

  /**
   * A masker for one stream that arrives in pieces (a step's live output): each piece is decoded (a
   * UTF-8 character split between pieces waits for its rest) and masked, and an end that could be the
   * start of a secret is held back until the next piece (or `end`) shows whether it is one.
   */
  live(): LiveMask {
    return new LiveMask(this);
  }

  /** The length of the longest end of `text` that is the start (not the whole) of a secret; 0 if none. */
  heldBack(text: string): number {
    let longest = 0;
    for (const value of this.values) {
      for (let length = Math.min(value.length - 1, text.length); length > longest; length--) {
        if (text.endsWith(value.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }

  json(value: JsonValue): JsonValue {
    if (typeof value === "string") return this.text(value);
    if (Array.isArray(value)) return value.map((item) => this.json(item));
    if (value !== null && typeof value === "object") return this.object(value);
    return value;
  }

  object(value: JsonObject): JsonObject {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [this.text(key), this.json(item)]));
  }

  result(result: StepResult): StepResult {
    return {
      ...result,
      outputs: this.object(result.outputs),
      stdout: this.text(result.stdout, result.stdoutTruncated),
      stderr: this.text(result.stderr, result.stderrTruncated),
      ...(result.usage === undefined ? {} : { usage: this.object(result.usage) }),
    };
  }

  /** The failure with its message and output masked; its cause is dropped (it may quote a secret). */
  failure(failure: StepFailure): StepFailure {
    const output = failure.output;
    return new StepFailure(failure.code, this.text(failure.message), {
      ...output,
      ...(output.stdout === undefined ? {} : { stdout: this.text(output.stdout, output.stdoutTruncated) }),
      ...(output.stderr === undefined ? {} : { stderr: this.text(output.stderr, output.stderrTruncated) }),
    });
  }
}

/** See {@link SecretMask.live}. */
export class LiveMask {
  private readonly decoder = new StringDecoder("utf8");
  private held = "";

  constructor(private readonly mask: SecretMask) {}

  /** What of `piece` (with what was held back) may be shown now, masked. */
  push(piece: Buffer): string {
    const text = this.mask.text(this.held + this.decoder.write(piece));
    const keep = this.mask.heldBack(text);
    this.held = text.slice(text.length - keep);
    return text.slice(0, text.length - keep);
  }

  /** The rest, once the stream has ended: what was held back was not a whole secret. */
  end(): string {
    const rest = this.mask.text(this.held + this.decoder.end());
    this.held = "";
    return rest;
  }
}
