import { promisify } from "node:util";
import { brotliDecompress, gunzip } from "node:zlib";
import type { Refusals } from "./refusal.js";
import { errorMessage } from "@mcp/errors";

const algorithms = {
  gzip: promisify(gunzip),
  br: promisify(brotliDecompress),
} as const;

/** The request compressions the servers accept (connect-node's defaults: gzip and brotli). */
export type CompressionName = keyof typeof algorithms;

/** `name` when it is an accepted compression, else undefined (`identity` and absent are undefined too). */
export function compressionNamed(name: string | null | undefined): CompressionName | undefined {
  return name === "gzip" || name === "br" ? name : undefined;
}

/**
 * Decompresses a request body or message off the event loop (zlib's thread pool), refusing output
 * beyond MAX_REQUEST_BYTES and answering INVALID_ARGUMENT for anything that does not decompress
 * (connect-node answers INTERNAL for a truncated gzip stream).
 */
export async function decompress(
  bytes: Uint8Array,
  name: CompressionName,
  refusals: Refusals,
): Promise<Uint8Array> {
  if (bytes.byteLength === 0) return bytes;
  try {
    const out = await algorithms[name](bytes, { maxOutputLength: refusals.maxRequestBytes });
    return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === "ERR_BUFFER_TOO_LARGE") throw refusals.tooLarge(refusals.maxRequestBytes, true);
    const reason = errorMessage(err);
    throw refusals.request(`the body does not decompress as ${name}: ${reason}`);
  }
}
