import { randomBytes } from "node:crypto";
import { parseSecretsKeyring } from "./keyring.js";
import { openValue, sealValue } from "./sealed-value.js";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");

describe("sealValue / openValue", () => {
  const ring = parseSecretsKeyring(`a:${keyA},b:${keyB}`);

  it("round-trips a value (any Unicode text) under the current key, with a fresh nonce each time", () => {
    const value = "sk-live-ünïcødé-😀\n multi line";
    const one = sealValue(ring.current, "API_KEY", value);
    const two = sealValue(ring.current, "API_KEY", value);
    expect(one.keyId).toBe("a");
    expect(one.nonce).toHaveLength(12);
    expect(one.ciphertext).toHaveLength(Buffer.byteLength(value) + 16);
    expect(one.nonce.equals(two.nonce)).toBe(false);
    expect(one.ciphertext.includes(Buffer.from(value))).toBe(false);
    expect(openValue(ring, "API_KEY", one)).toEqual({ ok: true, value });
    expect(openValue(ring, "API_KEY", two)).toEqual({ ok: true, value });
  });

  it("opens a value sealed with an older key of the ring", () => {
    const sealed = sealValue(ring.find("b")!, "OLD", "v");
    expect(openValue(ring, "OLD", sealed)).toEqual({ ok: true, value: "v" });
  });

  it("does not open under another secret's name (the name is authenticated data)", () => {
    const sealed = sealValue(ring.current, "API_KEY", "value");
    expect(openValue(ring, "OTHER", sealed)).toEqual({ ok: false, failure: "undecryptable" });
    expect(openValue(ring, "api_key", sealed)).toEqual({ ok: false, failure: "undecryptable" });
  });

  it("does not open tampered bytes: ciphertext, tag or nonce", () => {
    const sealed = sealValue(ring.current, "S", "a value worth stealing");
    const flip = (buffer: Buffer, at: number) => {
      const copy = Buffer.from(buffer);
      copy[at] = (copy[at] ?? 0) ^ 1;
      return copy;
    };
    const last = sealed.ciphertext.length - 1;
    for (const tampered of [
      { ...sealed, ciphertext: flip(sealed.ciphertext, 0) },
      { ...sealed, ciphertext: flip(sealed.ciphertext, last) },
      { ...sealed, nonce: flip(sealed.nonce, 3) },
      { ...sealed, ciphertext: sealed.ciphertext.subarray(0, 10) },
      { ...sealed, nonce: Buffer.alloc(0) },
    ]) {
      expect(openValue(ring, "S", tampered)).toEqual({ ok: false, failure: "undecryptable" });
    }
  });

  it("reports an unknown key id, and a different key under the same id as undecryptable", () => {
    const sealed = sealValue(ring.current, "S", "v");
    expect(openValue(parseSecretsKeyring(`b:${keyB}`), "S", sealed)).toEqual({
      ok: false,
      failure: "key_unknown",
    });
    expect(openValue(parseSecretsKeyring(`a:${keyB}`), "S", sealed)).toEqual({
      ok: false,
      failure: "undecryptable",
    });
  });
});
