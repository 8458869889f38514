import { roleForScopes } from "./legacy-scopes.js";

describe("roleForScopes", () => {
  it("maps scopes to the role that allows no more than they did", () => {
    expect(roleForScopes("admin")).toBe("admin");
    expect(roleForScopes("write,execute")).toBe("editor");
    expect(roleForScopes("write")).toBe("editor");
    expect(roleForScopes("execute")).toBe("operator");
    expect(roleForScopes("read")).toBe("viewer");
    expect(roleForScopes("")).toBe("viewer");
  });

  it("names unknown scopes", () => {
    expect(() => roleForScopes("write,root")).toThrow(
      "unknown scope(s) root; known: read, write, execute, admin",
    );
  });
});
