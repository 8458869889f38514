import { StepFailure } from "../../step/index.js";
import { parseJsonAnswer } from "./json-answer.js";
import { checkDeclaredVariables, renderTemplate } from "./render-template.js";

function failureOf(action: () => unknown): StepFailure {
  try {
    action();
  } catch (error) {
    if (error instanceof StepFailure) return error;
    throw error;
  }
  throw new Error("expected a StepFailure, but nothing was thrown");
}

describe("renderTemplate", () => {
  it("replaces placeholders, spaces inside the braces allowed", () => {
    expect(renderTemplate("Hi {{name}}, {{ name }}!", { name: "Ada" })).toBe("Hi Ada, Ada!");
  });

  it("reads nested fields and array elements", () => {
    const inputs = { user: { name: "Ada", tags: ["x", "y"] } };
    expect(renderTemplate("{{user.name}} / {{ user.tags.1 }}", inputs)).toBe("Ada / y");
  });

  it("renders non-strings as JSON", () => {
    expect(
      renderTemplate("{{n}} {{flag}} {{none}} {{doc}}", { n: 3, flag: true, none: null, doc: { a: [1] } }),
    ).toBe('3 true null {"a":[1]}');
  });

  it("leaves text that is not a placeholder alone", () => {
    expect(renderTemplate("{{ 1 }} {single} {{a b}}", {})).toBe("{{ 1 }} {single} {{a b}}");
  });

  it("fails with MISSING_INPUT naming every missing variable and field", () => {
    const failure = failureOf(() =>
      renderTemplate("{{a}} {{b.c}} {{d}} {{constructor}}", { b: { x: 1 }, d: "ok" }),
    );
    expect(failure.code).toBe("MISSING_INPUT");
    expect(failure.message).toBe('the prompt needs input "a", "b.c", "constructor"');
  });
});

describe("checkDeclaredVariables", () => {
  it("passes when every declared variable is supplied", () => {
    expect(() => checkDeclaredVariables("{{a}}", ["a", "b"], { a: 1, b: null })).not.toThrow();
  });

  it("fails with MISSING_INPUT when a declared variable is not supplied, even one the template does not use", () => {
    const failure = failureOf(() => checkDeclaredVariables("{{a}}", ["a", "b"], { a: 1 }));
    expect(failure).toMatchObject({ code: "MISSING_INPUT", message: 'the prompt needs input "b"' });
  });

  it("fails with INVALID_CONFIG when the template uses an undeclared variable", () => {
    const failure = failureOf(() => checkDeclaredVariables("{{a}} {{c.d}}", ["a"], { a: 1, c: { d: 2 } }));
    expect(failure.code).toBe("INVALID_CONFIG");
    expect(failure.message).toContain('"c"');
  });

  it("checks nothing when no variables are declared", () => {
    expect(() => checkDeclaredVariables("{{a}}", [], {})).not.toThrow();
  });
});

describe("parseJsonAnswer", () => {
  it("parses plain JSON", () => {
    expect(parseJsonAnswer(' {"a": 1} ', false)).toEqual({ a: 1 });
  });

  it("strips a ```json fence around or within the answer", () => {
    expect(parseJsonAnswer('```json\n{"a": [1, 2]}\n```', false)).toEqual({ a: [1, 2] });
    expect(parseJsonAnswer("```\n[true]\n```", false)).toEqual([true]);
    expect(parseJsonAnswer('Here it is:\n```json\n{"ok": true}\n```\nEnjoy.', false)).toEqual({ ok: true });
  });

  it("fails with INVALID_OUTPUT keeping the answer as stdout", () => {
    const failure = failureOf(() => parseJsonAnswer("Sure! The answer is 42.", false));
    expect(failure.code).toBe("INVALID_OUTPUT");
    expect(failure.message).toContain("not valid JSON");
    expect(failure.output.stdout).toBe("Sure! The answer is 42.");
  });

  it("says when the answer was cut off at max_tokens", () => {
    expect(failureOf(() => parseJsonAnswer('{"a": [1, 2', true)).message).toContain("cut off at max_tokens");
  });
});
