import { compileKey, describeProblem } from "./index";

describe("compileKey", () => {
  it("evaluates a string key over the inputs", () => {
    const compiled = compileKey("inputs.customer");
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    expect(compiled.key.evaluate({ customer: "acme" })).toEqual({ ok: true, value: "acme" });
    expect(compiled.key.evaluate({ customer: 7 })).toEqual({ ok: true, value: "7" });
  });

  it("turns an int expression into its decimal string", () => {
    const compiled = compileKey("size(inputs.name) + 1");
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
    expect(compiled.key.evaluate({ name: "abc" })).toEqual({ ok: true, value: "4" });
  });

  it("reports a value that is neither string, number nor bool at run time", () => {
    const compiled = compileKey("inputs.customer");
    if (!compiled.ok) throw new Error("expected to compile");
    const result = compiled.key.evaluate({ customer: null });
    expect(result.ok).toBe(false);
  });

  it("refuses a syntax error with its position", () => {
    const compiled = compileKey("inputs.customer +");
    expect(compiled.ok).toBe(false);
    if (compiled.ok) return;
    expect(compiled.problems[0]?.kind).toBe("syntax");
    expect(describeProblem(compiled.problems[0]!)).toMatch(/^CEL syntax error at 1:\d+/);
  });

  it("refuses a list-typed key and a reference to a step, with positions", () => {
    const list = compileKey("[inputs.a]");
    expect(list.ok).toBe(false);
    if (!list.ok)
      expect(describeProblem(list.problems[0]!)).toMatch(/^CEL type error at 1:1: a concurrency key must be/);
    const step = compileKey("steps.a.outputs.x");
    expect(step.ok).toBe(false);
    if (!step.ok) expect(step.problems[0]?.kind).toBe("unknown-step");
  });
});
