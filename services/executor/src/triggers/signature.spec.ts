import { createHmac } from "node:crypto";
import { signatureMatches, signBody } from "./signature";

describe("signatureMatches", () => {
  const secret = "a".repeat(64);
  const body = Buffer.from('{"text":"hi"}');

  it("accepts GitHub's sha256=<hex HMAC-SHA256 of the raw body>, in either case", () => {
    const hex = createHmac("sha256", secret).update(body).digest("hex");
    expect(signBody(secret, body)).toBe(`sha256=${hex}`);
    expect(signatureMatches(secret, body, `sha256=${hex}`)).toBe(true);
    expect(signatureMatches(secret, body, `sha256=${hex.toUpperCase()}`)).toBe(true);
  });

  it("refuses another secret, another body, a cut or malformed header, and none", () => {
    const good = signBody(secret, body);
    expect(signatureMatches("b".repeat(64), body, good)).toBe(false);
    expect(signatureMatches(secret, Buffer.from('{"text":"hi "}'), good)).toBe(false);
    expect(signatureMatches(secret, body, good.slice(0, -2))).toBe(false);
    expect(signatureMatches(secret, body, good.replace("sha256=", "sha1="))).toBe(false);
    expect(signatureMatches(secret, body, good.replace("sha256=", ""))).toBe(false);
    expect(signatureMatches(secret, body, "")).toBe(false);
    expect(signatureMatches(secret, body, undefined)).toBe(false);
  });
});
