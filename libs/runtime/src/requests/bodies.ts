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
 * Reads a Connect unary body whole (refused once it passes MAX_REQUEST_BYTES, or when its
 * Content-Length says it will), decompresses and checks it; returns the plain bytes.
 */
export async function readUnaryBody(
  body: AsyncIterable<Uint8Array>,
  check: BodyCheck,
  options: { declaredLength: number | undefined; compression: CompressionName | undefined },
): Promise<Uint8Array> {
  const { refusals } = check;
  const max = refusals.maxRequestBytes;
  const chunks = body[Symbol.asyncIterator]();
  if (options.declaredLength !== undefined && options.declaredLength > max) {
    await finishUpload(chunks, refusals);
    throw refusals.tooLarge(options.declaredLength);
  }
  let finished = false;
  try {
    const queue = new ByteQueue();
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      queue.push(next.value);
      if (queue.length > max) {
        const rest = await finishUpload(chunks, refusals);
        throw refusals.tooLarge(queue.length + rest.read, !rest.done);
      }
    }
    finished = true;
    let bytes = queue.take(queue.length);
    if (options.compression) bytes = await decompress(bytes, options.compression, refusals);
    checkMessage(bytes, check);
    return bytes;
  } catch (err) {
    if (!finished && !refusals.isRefusal(err)) drain(chunks);
    throw err;
  }
}

/**
 * Before refusing a body the client is still sending, reads and drops the rest of it (up to four
 * times MAX_REQUEST_BYTES, for at most half a second), so that the answer follows the whole upload;
 * what still comes after that is drained in the background. Answering mid-upload breaks HTTP/2
 * connections: the client's frames still in flight for the finished stream count as invalid, and
 * after a thousand of those Node ends the whole session with ENHANCE_YOUR_CALM (every call on it
 * then fails, stock connect-node included).
 */
async function finishUpload(
  chunks: AsyncIterator<Uint8Array>,
  refusals: Refusals,
): Promise<{ read: number; done: boolean }> {
  const deadline = Date.now() + 500;
  let read = 0;
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), 500)));
  try {
    while (read <= 4 * refusals.maxRequestBytes && Date.now() < deadline) {
      const next = await Promise.race([chunks.next(), late]).catch((): IteratorResult<Uint8Array> => ({
        done: true,
        value: undefined,
      }));
      if (next === "late") break;
      if (next.done) return { read, done: true };
      read += next.value.byteLength;
    }
  } finally {
    clearTimeout(timer);
  }
  drain(chunks);
  return { read, done: false };
}

/**
 * Reads and drops the rest of a body in the background, as Node does for a body nobody reads. Ending
 * the iteration early would destroy the request: an HTTP/1.1 connection with part of a body left
 * unread never parses its next request, and an HTTP/2 upload stalls on flow control.
 */
function drain(chunks: AsyncIterator<Uint8Array>): void {
  void (async () => {
    try {
      while (!(await chunks.next()).done) {
        // dropped
      }
    } catch {
      // the client went away
    }
  })();
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
  const chunks = body[Symbol.asyncIterator]();
  let finished = false;
  try {
    const queue = new ByteQueue();
    let messages = 0;
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      const chunk = next.value;
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
    finished = true;
    if (options.single && messages === 0) throw refusals.request("the request carries no message");
  } catch (err) {
    if (refusals.isRefusal(err)) check.onRefuse(err);
    if (!finished) {
      // A single-message request ends after its message: wait for that, so the answer follows the
      // upload. A streaming client may wait for answers before it sends more: never wait for it.
      if (options.single && refusals.isRefusal(err)) await finishUpload(chunks, refusals);
      else drain(chunks);
    }
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
