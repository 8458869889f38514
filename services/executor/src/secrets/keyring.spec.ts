import { randomBytes } from "node:crypto";
import { inspect } from "node:util";
import { derivedKeyId, parseSecretsKeyring, SecretsKeyError } from "./keyring.js";

const KEY_A = randomBytes(32);
const KEY_B = randomBytes(32);
const b64 = (key: Buffer) => key.toString("base64");

/** The problems a bad value yields. */
function problemsOf(value: string): readonly string[] {
  try {
    parseSecretsKeyring(value);
  } catch (err) {
    if (err instanceof SecretsKeyError) return err.problems;
    throw err;
  }
  throw new Error("expected SecretsKeyError");
}

describe("parseSecretsKeyring", () => {
  it("reads one base64 key (padded or not, standard or URL-safe) with the id derived from SHA-256", () => {
    const id = derivedKeyId(KEY_A);
    expect(id).toMatch(/^[0-9a-f]{8}$/);
    for (const text of [b64(KEY_A), b64(KEY_A).replace(/=$/, ""), KEY_A.toString("base64url")]) {
      const ring = parseSecretsKeyring(text);
      expect(ring.ids).toEqual([id]);
      expect(ring.current.material().equals(KEY_A)).toBe(true);
    }
  });

  it("reads one key as 64 hex characters", () => {
    const ring = parseSecretsKeyring(KEY_A.toString("hex").toUpperCase());
    expect(ring.current.id).toBe(derivedKeyId(KEY_A));
    expect(ring.current.material().equals(KEY_A)).toBe(true);
  });

  it("reads id:key lists: the first key is current, the others only found by id; bare entries get derived ids", () => {
    const ring = parseSecretsKeyring(` new:${KEY_B.toString("hex")} , ${b64(KEY_A)}`);
    expect(ring.ids).toEqual(["new", derivedKeyId(KEY_A)]);
    expect(ring.current.id).toBe("new");
    expect(ring.find(derivedKeyId(KEY_A))?.material().equals(KEY_A)).toBe(true);
    expect(ring.find("nope")).toBeUndefined();
    expect(parseSecretsKeyring(`only_1-x:${b64(KEY_A)}`).ids).toEqual(["only_1-x"]);
  });

  it("never shows key bytes when serialised or inspected", () => {
    const ring = parseSecretsKeyring(`k1:${b64(KEY_A)},k2:${KEY_B.toString("hex")}`);
    const shown = [
      JSON.stringify({ ring }),
      JSON.stringify(ring.keys),
      inspect(ring),
      inspect(ring.keys, { showHidden: true }),
    ];
    for (const text of shown) {
      for (const form of [b64(KEY_A), KEY_A.toString("hex"), b64(KEY_B), KEY_B.toString("hex")])
        expect(text).not.toContain(form);
    }
    expect(JSON.stringify(ring)).toBe('{"keyIds":["k1","k2"]}');
  });

  it.each([
    [
      "too short base64",
      b64(randomBytes(16)),
      /SECRETS_KEY: the key decodes to 16 bytes; AES-256 needs exactly 32/,
    ],
    ["too long hex", randomBytes(33).toString("hex"), /decodes to 49 bytes|neither 64 hex/],
    [
      "not base64 or hex",
      "correct horse battery staple",
      /SECRETS_KEY: the key is neither 64 hex characters nor base64/,
    ],
    ["empty entry", `a:${b64(KEY_A)},,`, /SECRETS_KEY entry 2 is empty/],
    ["empty key", "a:", /SECRETS_KEY \(id "a"\): the key is empty/],
    ["bad id", `bad id!:${b64(KEY_A)}`, /the id before ":" must be 1-32 characters.*some not allowed/],
    ["long id", `${"x".repeat(33)}:${b64(KEY_A)}`, /must be 1-32 characters.*it has 33 characters/],
    ["duplicate id", `a:${b64(KEY_A)},a:${b64(KEY_B)}`, /entries 1 and 2 have the same id "a"/],
    ["duplicate derived id", `${b64(KEY_A)},${KEY_A.toString("hex")}`, /entries 1 and 2 have the same id/],
  ])("refuses %s, naming the problem", (_what, value, message) => {
    const problems = problemsOf(value);
    expect(problems.join("\n")).toMatch(message);
  });

  it("lists every bad entry and never echoes key material, even when a key is put where the id goes", () => {
    const hex = KEY_A.toString("hex");
    const problems = problemsOf(`${b64(KEY_B)}:${hex},x:${hex.slice(0, 40)},ok:${b64(KEY_A)}`);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^SECRETS_KEY entry 1: the id before ":"/);
    expect(problems[1]).toMatch(/^SECRETS_KEY entry 2 \(id "x"\)/);
    const text = problems.join("\n");
    for (const form of [b64(KEY_B), hex, hex.slice(0, 40), b64(KEY_A)]) expect(text).not.toContain(form);
  });
});
