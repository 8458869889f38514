import type { DescMessage } from "@bufbuild/protobuf";
import type { ConnectError } from "@connectrpc/connect";
import { decompress, type CompressionName } from "./decompress.js";
import type { Refusals } from "./refusal.js";
import { scanBinary } from "./scan-binary.js";
import { scanJson } from "./scan-json.js";
import type { ShapeLimits } from "./scan-result.js";

/** What the gate needs to read one request body. */
export interface BodyCheck {
  readonly input: DescMessage;
  readonly json: boolean;
  readonly limits: ShapeLimits;
  readonly refusals: Refusals;
  /** Called with each refusal as it is thrown (for the log). */
  readonly onRefuse: (err: ConnectError) => void;
}

/** Throws INVALID_ARGUMENT unless `bytes` will decode as the request within the shape limits. */
export function checkMessage(bytes: Uint8Array, check: BodyCheck): void {
  const violations = check.json
    ? scanJson(bytes, check.input, check.limits)
    : [scanBinary(bytes, check.input, check.limits)].filter((v) => v !== undefined);
  if (violations.length > 0) throw check.refusals.invalid(violations);
}

/**
 * Reads a Connect unary body whole (refused as soon as it passes MAX_REQUEST_BYTES, or at once when
 * its Content-Length says it will), decompresses and checks it; returns the plain bytes.
 */
export async function readUnaryBody(
  body: AsyncIterable<Uint8Array>,
  check: BodyCheck,
  options: { declaredLength: number | undefined; compression: CompressionName | undefined },
): Promise<Uint8Array> {
  const { refusals } = check;
  const max = refusals.maxRequestBytes;
  if (options.declaredLength !== undefined && options.declaredLength > max) {
    throw refusals.tooLarge(options.declaredLength);
  }
  const queue = new ByteQueue();
  for await (const chunk of body) {
    queue.push(chunk);
    if (queue.length > max) throw refusals.tooLarge(queue.length, true);
  }
  let bytes = queue.take(queue.length);
  if (options.compression) bytes = await decompress(bytes, options.compression, refusals);
  checkMessage(bytes, check);
  return bytes;
}

/** Envelope flag: the message is compressed with the request's encoding. */
const COMPRESSED = 0x01;

/**
 * An enveloped body (gRPC, gRPC-Web, Connect streaming): each message frame is refused as soon as its
 * header announces more than MAX_REQUEST_BYTES, decompressed here, checked, and handed on
 * uncompressed as soon as it is complete (so bidirectional streams keep flowing). Frames with flags
 * other than "compressed", a compressed frame without a request encoding, a body ending inside a
 * frame, and — for unary and server-streaming methods — no message or more than one are refused.
 */
export async function* envelopedBody(
  body: AsyncIterable<Uint8Array>,
  check: BodyCheck,
  options: { compression: CompressionName | undefined; single: boolean },
): AsyncIterable<Uint8Array> {
  const { refusals } = check;
  try {
    const queue = new ByteQueue();
    let messages = 0;
    for await (const chunk of body) {
      queue.push(chunk);
      for (;;) {
        if (queue.length < 5) break;
        const header = queue.peek(5);
        const flags = header[0]!;
        const length = new DataView(header.buffer, header.byteOffset, 5).getUint32(1);
        if (length > refusals.maxRequestBytes) throw refusals.tooLarge(length);
        if ((flags & ~COMPRESSED) !== 0) {
          throw refusals.request(
            `a message frame has flags 0x${flags.toString(16).padStart(2, "0")}; a request frame may only ` +
              "set 0x01 (compressed)",
          );
        }
        if (check.json && length > check.limits.maxFramedJsonBytes) {
          throw refusals.request(
            `a JSON message in a frame is ${length} bytes; JSON frames take at most ` +
              `${check.limits.maxFramedJsonBytes} bytes (send binary protobuf, or Connect unary JSON)`,
          );
        }
        if (queue.length < 5 + length) break;
        queue.take(5);
        let message = queue.take(length);
        messages++;
        if (options.single && messages > 1) {
          throw refusals.request("the request carries more than one message; this method takes one");
        }
        if (flags & COMPRESSED) {
          if (!options.compression) {
            throw refusals.request(
              "a message frame is flagged compressed, but the request names no compression " +
                "(grpc-encoding or connect-content-encoding: gzip or br)",
            );
          }
          message = await decompress(message, options.compression, refusals);
        }
        checkMessage(message, check);
        yield encodeFrame(message);
      }
    }
    if (queue.length > 0) {
      throw refusals.request(`the body ends inside a message frame (${queue.length} bytes of it arrived)`);
    }
    if (options.single && messages === 0) throw refusals.request("the request carries no message");
  } catch (err) {
    if (refusals.isRefusal(err)) check.onRefuse(err);
    throw err;
  }
}

function encodeFrame(message: Uint8Array): Uint8Array {
  const frame = new Uint8Array(5 + message.byteLength);
  new DataView(frame.buffer).setUint32(1, message.byteLength);
  frame.set(message, 5);
  return frame;
}

/** Received chunks, joined only when bytes are taken (no copy per chunk). */
export class ByteQueue {
  private chunks: Uint8Array[] = [];
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.byteLength === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.byteLength;
  }

  /** The first `n` bytes, left in the queue. */
  peek(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.byteLength >= n) return first.subarray(0, n);
    const out = new Uint8Array(n);
    let offset = 0;
    for (const chunk of this.chunks) {
      const part = chunk.subarray(0, n - offset);
      out.set(part, offset);
      offset += part.byteLength;
      if (offset === n) break;
    }
    return out;
  }

  /** Removes and returns the first `n` bytes. */
  take(n: number): Uint8Array {
    const first = this.chunks[0];
    if (first && first.byteLength >= n) {
      const out = first.subarray(0, n);
      if (first.byteLength === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      this.length -= n;
      return out;
    }
    const out = new Uint8Array(n);
    let offset = 0;
    while (offset < n) {
      const chunk = this.chunks[0]!;
      const part = chunk.subarray(0, n - offset);
      out.set(part, offset);
      offset += part.byteLength;
      if (part.byteLength === chunk.byteLength) this.chunks.shift();
      else this.chunks[0] = chunk.subarray(part.byteLength);
    }
    this.length -= n;
    return out;
  }
}
