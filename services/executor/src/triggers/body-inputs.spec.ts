import { InvalidArgumentError } from "@mcp/errors";
import { explainInputViolations, inputsFromBody, pathProblem, valueAt } from "./body-inputs";

describe("inputsFromBody", () => {
  it("takes the whole body as the inputs when the trigger maps no paths", () => {
    expect(inputsFromBody({ text: "hi", n: 1 }, {})).toEqual({ text: "hi", n: 1 });
  });

  it("refuses a body that is not an object then, naming `body`", () => {
    for (const body of [["a"], "text", 3, null]) {
      const err = (() => {
        try {
          inputsFromBody(body, {});
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(err).toBeInstanceOf(InvalidArgumentError);
      expect((err as InvalidArgumentError).violations.map((v) => v.field)).toEqual(["body"]);
    }
  });

  it("takes each mapped input from its dotted path (numbers index arrays) and leaves missing ones unset", () => {
    const body = { pull_request: { title: "Fix", labels: [{ name: "bug" }] }, ignored: true };
    expect(
      inputsFromBody(body, {
        title: "pull_request.title",
        label: "pull_request.labels.0.name",
        gone: "nope.x",
      }),
    ).toEqual({ title: "Fix", label: "bug" });
  });
});

describe("valueAt", () => {
  it("does not read inherited properties nor index objects with numbers that are not keys", () => {
    expect(valueAt({ a: {} }, "a.constructor")).toBeUndefined();
    expect(valueAt({ a: [1, 2] }, "a.01")).toBeUndefined();
    expect(valueAt({ a: [1, 2] }, "a.1")).toBe(2);
    expect(valueAt({ a: "text" }, "a.length")).toBeUndefined();
    expect(valueAt({ a: null }, "a")).toBeNull();
  });
});

describe("pathProblem", () => {
  it("accepts dotted paths and names what is wrong with the others", () => {
    expect(pathProblem("pull_request.title")).toBeUndefined();
    expect(pathProblem("")).toMatch(/empty/);
    expect(pathProblem("a..b")).toMatch(/empty segment/);
    expect(pathProblem(".a")).toMatch(/empty segment/);
    expect(pathProblem("x".repeat(257))).toMatch(/longer than 256/);
    expect(pathProblem(Array.from({ length: 33 }, () => "a").join("."))).toMatch(/more than 32 segments/);
  });
});

describe("explainInputViolations", () => {
  it("names the body path of a required input the body lacks, and leaves the others as they are", () => {
    const violations = [
      { field: "inputs.title", description: "is required by the workflow" },
      { field: "inputs.extra", description: "is not an input of this workflow (declared: title)" },
    ];
    expect(explainInputViolations(violations, { title: "pr.title" }, { extra: 1 })).toEqual([
      {
        field: "body.pr.title",
        description: expect.stringContaining("is required by the workflow") as unknown,
      },
      violations[1],
    ]);
  });
});
