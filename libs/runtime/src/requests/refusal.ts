import type { ConnectError } from "@connectrpc/connect";
import { InvalidArgumentError, type FieldViolation } from "@mcp/errors";
import { toConnectError } from "../errors.js";

/** Turns what the request gate found into the caller's error, through the one error mapper. */
export class Refusals {
  private readonly made = new WeakSet<object>();

  constructor(
    private readonly domain: string,
    readonly maxRequestBytes: number,
  ) {}

  /** INVALID_ARGUMENT listing `violations` (google.rpc.BadRequest with their field paths). */
  invalid(violations: readonly FieldViolation[], metadata: Record<string, string> = {}): ConnectError {
    const err = toConnectError(new InvalidArgumentError(violations, metadata), { domain: this.domain });
    this.made.add(err);
    return err;
  }

  /** Whether `err` is a refusal made here (not, say, the client going away mid-body). */
  isRefusal(err: unknown): err is ConnectError {
    return typeof err === "object" && err !== null && this.made.has(err);
  }

  /** One problem with the request as a whole. */
  request(description: string): ConnectError {
    return this.invalid([{ field: "", description }]);
  }

  /** A request larger than MAX_REQUEST_BYTES; `size` is exact, or a lower bound when `atLeast`. */
  tooLarge(size: number, atLeast = false): ConnectError {
    const max = this.maxRequestBytes;
    return this.invalid(
      [
        {
          field: "",
          description:
            `the request is ${atLeast ? "more than " : ""}${size} bytes; at most ${max} bytes are accepted ` +
            "(MAX_REQUEST_BYTES): send large content in parts, or raise the service's MAX_REQUEST_BYTES",
        },
      ],
      { limit: "MAX_REQUEST_BYTES", max_bytes: String(max), size: String(size) },
    );
  }
}
