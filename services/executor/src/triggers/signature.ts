import { createHmac, timingSafeEqual } from "node:crypto";

/** The header a delivery's signature comes in (GitHub's name; Node lower-cases header names). */
export const SIGNATURE_HEADER = "x-hub-signature-256";

const SIGNATURE = /^sha256=([0-9a-f]{64})$/i;

/** `sha256=<hex of HMAC-SHA256(secret, body)>`: what a sender puts in `X-Hub-Signature-256`. */
export function signBody(secret: string, body: Buffer | string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/**
 * Whether `header` is the signature of the raw `body` with `secret`. The comparison takes the same time
 * wherever the bytes differ (`timingSafeEqual` over the two 32-byte digests), so a caller cannot learn a
 * valid signature byte by byte. A missing or malformed header never matches.
 */
export function signatureMatches(secret: string, body: Buffer, header: string | undefined): boolean {
  const given = header === undefined ? undefined : SIGNATURE.exec(header.trim())?.[1];
  if (given === undefined) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  return timingSafeEqual(Buffer.from(given, "hex"), expected);
}
