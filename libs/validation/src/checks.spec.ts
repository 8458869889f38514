import { charCount, checkMaxLength, checkRange, checkStorableText, checkUnique, keyPath } from "./checks";
import { checkSecretName, reservedSecretName } from "./secret-name";
import { isAbsolutePath, isHttpUrl } from "./patterns";

describe("checks", () => {
  it("counts characters as code points", () => {
    expect(charCount("a😀b")).toBe(3);
    expect(checkMaxLength("😀😀", 2, "f")).toEqual([]);
    expect(checkMaxLength("😀😀😀", 2, "f")).toEqual([
      { field: "f", description: "must be at most 2 characters" },
    ]);
  });

  it("passes an unset number and rejects one out of range", () => {
    expect(checkRange(undefined, 1, 2, "f")).toEqual([]);
    expect(checkRange(3, 1, 2, "f")).toEqual([{ field: "f", description: "must be between 1 and 2" }]);
  });

  it("names each repeated element and its first occurrence", () => {
    expect(checkUnique(["a", "B", "b", "a"], "xs", (v) => v.toLowerCase())).toEqual([
      { field: "xs[2]", description: "duplicates xs[1]" },
      { field: "xs[3]", description: "duplicates xs[0]" },
    ]);
  });

  it("refuses U+0000 and unpaired surrogates as unstorable text, accepting paired ones", () => {
    expect(checkStorableText("ok 😀", "f")).toEqual([]);
    expect(checkStorableText("a\u0000b", "f")).toEqual([
      { field: "f", description: "must not contain U+0000 (NUL)" },
    ]);
    expect(checkStorableText("\ud83d", "f")[0]?.description).toContain("unpaired UTF-16 surrogate");
    expect(checkStorableText("\ude00x", "f")[0]?.description).toContain("unpaired UTF-16 surrogate");
  });

  it("quotes map keys in paths", () => {
    expect(keyPath("env", 'a"b')).toBe('env["a\\"b"]');
  });
});

describe("secret names", () => {
  it("are environment variable names, case-sensitive, with the sandbox's own names reserved for writes", () => {
    expect(checkSecretName("OPENAI_API_KEY", "name", { forWrite: true })).toEqual([]);
    expect(checkSecretName("Path", "name", { forWrite: true })).toEqual([]);
    expect(checkSecretName("9X", "name")[0]?.field).toBe("name");
    expect(checkSecretName("TERM", "name")).toEqual([]);
    expect(checkSecretName("TERM", "secrets[0]", { forWrite: true })[0]).toEqual({
      field: "secrets[0]",
      description: reservedSecretName("TERM"),
    });
    expect(reservedSecretName("LD_LIBRARY_PATH")).toContain('"LD_"');
    expect(reservedSecretName("ld_library_path")).toBeUndefined();
  });
});

describe("patterns", () => {
  it("recognises http(s) URLs only", () => {
    expect(isHttpUrl("https://api.example.com/v1")).toBe(true);
    expect(isHttpUrl("http://127.0.0.1:8080")).toBe(true);
    expect(isHttpUrl("file:///etc/passwd")).toBe(false);
    expect(isHttpUrl("api.example.com")).toBe(false);
  });

  it("recognises absolute POSIX and Windows paths", () => {
    expect(isAbsolutePath("/usr/bin/x")).toBe(true);
    expect(isAbsolutePath("C:\\scripts\\x.py")).toBe(true);
    expect(isAbsolutePath("./x.py")).toBe(false);
  });
});
