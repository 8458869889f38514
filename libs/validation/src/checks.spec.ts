import { charCount, checkMaxLength, checkRange, checkUnique, keyPath } from "./checks";
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

  it("quotes map keys in paths", () => {
    expect(keyPath("env", 'a"b')).toBe('env["a\\"b"]');
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
