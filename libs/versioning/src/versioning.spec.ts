import { canonicalJson, contentHash } from "./canonical-json";
import { diffJson } from "./json-diff";

describe("canonicalJson", () => {
  it("sorts keys at every level so key order does not change the hash", () => {
    const a = { b: 1, a: { y: [1, { d: 2, c: 3 }], x: null } };
    const b = { a: { x: null, y: [1, { c: 3, d: 2 }] }, b: 1 };
    expect(canonicalJson(a)).toBe('{"a":{"x":null,"y":[1,{"c":3,"d":2}]},"b":1}');
    expect(contentHash(a)).toBe(contentHash(b));
  });

  it("gives different hashes for different content", () => {
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe("diffJson", () => {
  it("reports added, removed and modified leaves with their paths", () => {
    const changes = diffJson(
      { config: { timeout: 10, script: "a", reqs: ["x"] } },
      { config: { timeout: 20, reqs: ["x", "y"], memory: 64 } },
    );
    expect(changes).toEqual([
      { path: "config.memory", kind: "added", newValue: 64 },
      { path: "config.reqs[1]", kind: "added", newValue: "y" },
      { path: "config.script", kind: "removed", oldValue: "a" },
      { path: "config.timeout", kind: "modified", oldValue: 10, newValue: 20 },
    ]);
  });

  it("reports nothing for equal documents and a type change as modified", () => {
    expect(diffJson({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toEqual([]);
    expect(diffJson({ a: [1] }, { a: { 0: 1 } })).toEqual([
      { path: "a", kind: "modified", oldValue: [1], newValue: { 0: 1 } },
    ]);
  });
});
