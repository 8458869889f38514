import { describe, expect, it } from "vitest";
import { versionParam } from "./version-param";

describe("versionParam", () => {
  it("reads a positive whole version number", () => {
    expect(versionParam("3")).toBe(3);
  });

  it("is undefined for a missing, empty, zero, negative, fractional or non-numeric value", () => {
    for (const value of [null, "", "0", "-1", "1.5", "latest"]) expect(versionParam(value)).toBeUndefined();
  });
});
