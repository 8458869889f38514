import { parseAge } from "./prune.js";

describe("parseAge", () => {
  it("reads minutes, hours, days and weeks as milliseconds", () => {
    expect(parseAge("90m")).toBe(90 * 60_000);
    expect(parseAge("12h")).toBe(12 * 3_600_000);
    expect(parseAge("30d")).toBe(30 * 86_400_000);
    expect(parseAge(" 2w ")).toBe(14 * 86_400_000);
  });

  it("refuses anything else, naming the accepted forms", () => {
    for (const bad of ["30", "30x", "d", "-1d", "1.5d", "30 d", ""]) {
      expect(() => parseAge(bad)).toThrow(/use a whole number and m, h, d or w/);
    }
  });
});
