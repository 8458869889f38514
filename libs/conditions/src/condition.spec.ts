import { compileCondition, describeProblem, MAX_CONDITION_LENGTH, type ConditionBindings } from "./index.js";

const scope = { known: new Set(["classify", "other", "self"]), upstream: new Set(["classify"]) };
const bindings: ConditionBindings = {
  inputs: { text: "hello", count: 3, tags: ["a", "b"] },
  steps: { classify: { outputs: { label: "positive", score: 0.9 }, skipped: false } },
};

function problems(source: string): string[] {
  const result = compileCondition(source, scope);
  return result.ok ? [] : result.problems.map(describeProblem);
}

function evaluate(source: string): unknown {
  const result = compileCondition(source, scope);
  if (!result.ok) throw new Error(result.problems.map(describeProblem).join("; "));
  return result.condition.evaluate(bindings);
}

describe("compileCondition", () => {
  it("accepts bool expressions over inputs and upstream steps", () => {
    for (const source of [
      'steps.classify.outputs.label == "positive"',
      "inputs.count > 2 && size(inputs.tags) == 2",
      "has(steps.classify.outputs.score) && steps.classify.outputs.score >= 0.5",
      'inputs.tags.exists(t, t == "a")',
      '!steps.classify.skipped || inputs.text.startsWith("he")',
      'steps["classify"].outputs.label in ["positive", "neutral"]',
      "inputs.flag", // dyn: decided at run time
    ]) {
      expect([source, problems(source)]).toEqual([source, []]);
    }
  });

  it("reports a syntax error with its line and column", () => {
    expect(problems("inputs.count > 2 &&")).toEqual([expect.stringMatching(/^CEL syntax error at 1:18: /)]);
    expect(problems('inputs.text ==\n  "a" # 1')).toEqual([
      expect.stringMatching(/^CEL syntax error at 2:\d+: /),
    ]);
  });

  it("reports type errors with their position", () => {
    expect(problems('inputs.count + 1 == "x"')).toEqual([
      "CEL type error at 1:18: no matching overload for '_==_' applied to (int, string)",
    ]);
    expect(problems("1 + 'a' == 2")).toEqual([
      expect.stringMatching(
        /^CEL type error at 1:\d+: no matching overload for '_\+_' applied to \(int, string\)$/,
      ),
    ]);
    expect(problems("\n  nope == 1")).toEqual([
      "CEL type error at 2:3: undeclared reference to 'nope' (only inputs and steps are defined)",
    ]);
    expect(problems('"a".startsWith(1)')).toEqual([
      expect.stringContaining("no matching overload for 'string.startsWith' applied to (int)"),
    ]);
  });

  it("requires a bool result", () => {
    expect(problems("inputs.count + 1")).toEqual([
      expect.stringMatching(
        /^CEL type error at 1:\d+: a condition must be of type bool, this one is of type int$/,
      ),
    ]);
    expect(problems('"yes"')).toEqual([expect.stringContaining("of type string")]);
  });

  it("names a step that is not upstream or does not exist", () => {
    expect(problems("steps.other.outputs.x == 1")).toEqual([
      expect.stringMatching(/^CEL error at 1:6: steps\.other: step "other" is not upstream of this step/),
    ]);
    expect(problems('steps["ghost"].outputs.x == 1')).toEqual([
      expect.stringContaining('steps.ghost: no step has id "ghost"'),
    ]);
    expect(problems("steps.classify.result == 1")).toEqual([
      expect.stringContaining("steps.<id> has only the fields outputs and skipped, not 'result'"),
    ]);
  });

  it("refuses a condition over the length limit", () => {
    const long = `inputs.text == "${"x".repeat(MAX_CONDITION_LENGTH)}"`;
    expect(problems(long)).toEqual([expect.stringContaining(`at most ${MAX_CONDITION_LENGTH} characters`)]);
  });
});

describe("CompiledCondition.evaluate", () => {
  it("evaluates against the run's inputs and the upstream outputs", () => {
    expect(evaluate('steps.classify.outputs.label == "positive"')).toEqual({ ok: true, value: true });
    expect(evaluate('steps.classify.outputs.label == "negative"')).toEqual({ ok: true, value: false });
    expect(evaluate("inputs.count > 2 && inputs.tags.exists(t, t == 'b')")).toEqual({
      ok: true,
      value: true,
    });
    expect(evaluate("steps.classify.outputs.score > 0.5")).toEqual({ ok: true, value: true });
  });

  it("reports a missing key or a non-bool value as an error, not as false", () => {
    expect(evaluate("inputs.missing == 1")).toEqual({
      ok: false,
      message: expect.stringContaining("missing") as unknown,
    });
    expect(evaluate("inputs.text")).toEqual({
      ok: false,
      message: "the condition is not a bool at run time (found string)",
    });
  });
});

describe("compileCondition on hostile input", () => {
  it("reports an expression nested too deeply instead of throwing", () => {
    expect(problems(`1${"+1".repeat(2000)} == 1`)).toEqual([
      "CEL type error at 1:1: the expression is nested too deeply",
    ]);
  });
});
