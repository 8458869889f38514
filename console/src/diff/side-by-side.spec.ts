import { describe, expect, it } from "vitest";
import { sideBySide } from "./side-by-side";

const render = (rows: ReturnType<typeof sideBySide>) =>
  rows.map((r) => [
    r.left ? `${r.left.changed ? "-" : " "}${r.left.number}:${r.left.text}` : "",
    r.right ? `${r.right.changed ? "+" : " "}${r.right.number}:${r.right.text}` : "",
  ]);

describe("sideBySide", () => {
  it("pairs a changed line with its replacement and keeps equal lines aligned", () => {
    const rows = sideBySide('{\n  "a": 1,\n  "b": 2\n}\n', '{\n  "a": 1,\n  "b": 3\n}\n');
    expect(render(rows)).toEqual([
      [" 1:{", " 1:{"],
      [' 2:  "a": 1,', ' 2:  "a": 1,'],
      ['-3:  "b": 2', '+3:  "b": 3'],
      [" 4:}", " 4:}"],
    ]);
  });

  it("leaves a blank partner for lines only one side has", () => {
    const rows = sideBySide("a\nb\n", "a\nx\ny\nb\n");
    expect(render(rows)).toEqual([
      [" 1:a", " 1:a"],
      ["", "+2:x"],
      ["", "+3:y"],
      [" 2:b", " 4:b"],
    ]);
    expect(render(sideBySide("a\nb\nc\n", "a\n"))).toEqual([
      [" 1:a", " 1:a"],
      ["-2:b", ""],
      ["-3:c", ""],
    ]);
  });

  it("marks nothing as changed for equal texts", () => {
    expect(sideBySide("x\ny", "x\ny").every((r) => !r.left?.changed && !r.right?.changed)).toBe(true);
  });
});
