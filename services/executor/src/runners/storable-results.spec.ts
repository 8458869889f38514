import { McpType } from "@mcp/proto/registry";
import { StepFailure, type StepResult } from "../step/index.js";
import { firstUnstorable, storableText, withStorableResults } from "./storable-results.js";
import { stepContext, stepFailureOf } from "./testing.js";

const result = (outputs: StepResult["outputs"], extra: Partial<StepResult> = {}): StepResult => ({
  outputs,
  stdout: "",
  stderr: "",
  stdoutTruncated: false,
  stderrTruncated: false,
  ...extra,
});
const context = stepContext(McpType.PYTHON_SCRIPT, { case: "pythonScript", value: {} });
const returning = (value: StepResult) => withStorableResults(() => ({ run: () => Promise.resolve(value) }));
const failing = (failure: StepFailure) => withStorableResults(() => ({ run: () => Promise.reject(failure) }));

describe("withStorableResults", () => {
  it("fails a step whose outputs hold U+0000 with INVALID_OUTPUT naming where", async () => {
    const runner = returning(result({ s: "a\u0000b" }))(context.mcp);
    const failure = await stepFailureOf(runner.run(context));
    expect(failure.code).toBe("INVALID_OUTPUT");
    expect(failure.message).toBe("the step's outputs cannot be stored: $.s holds U+0000");
  });

  it("names lone surrogates, nested paths and keys", () => {
    expect(firstUnstorable({ a: [1, { "b c": "x\ud800" }] })).toBe(
      '$.a[1]["b c"] holds a lone surrogate U+D800',
    );
    expect(firstUnstorable({ ["k\u0000"]: 1 })).toBe('$["k\\u0000"] (a key) holds U+0000');
    expect(firstUnstorable({ ok: "😀 paired surrogates are fine" })).toBeUndefined();
  });

  it("keeps the logs, with what cannot be stored replaced", async () => {
    const runner = returning(result({ ok: 1 }, { stdout: "a\u0000b", stderr: "c\udc00d" }))(context.mcp);
    const out = await runner.run(context);
    expect(out).toMatchObject({ outputs: { ok: 1 }, stdout: "a\uFFFDb", stderr: "c\uFFFDd" });
  });

  it("replaces such characters in a failure's message and output, keeping its code", async () => {
    const runner = failing(
      new StepFailure("SCRIPT_REPORTED_FAILURE", "bad\u0000news", { stderr: "x\u0000" }),
    )(context.mcp);
    const failure = await stepFailureOf(runner.run(context));
    expect(failure).toMatchObject({ code: "SCRIPT_REPORTED_FAILURE", message: "bad\uFFFDnews" });
    expect(failure.output.stderr).toBe("x\uFFFD");
    expect(storableText("plain")).toBe("plain");
  });
});
