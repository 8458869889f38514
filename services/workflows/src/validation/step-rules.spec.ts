import { spec, step, found } from "./testing.js";
import { validateSpec } from "./validate-spec.js";

describe("validateSpec › step ids", () => {
  it("accepts ids of letters, digits, _ and - up to 128 characters", () => {
    expect(found(spec([step("Fetch_1"), step("x-2"), step("a".repeat(128))]))).toEqual([]);
  });

  it("requires a step id", () => {
    expect(found(spec([step("")]))).toEqual(["spec.steps[0].step_id REQUIRED"]);
  });

  it("rejects ids with other characters or over 128 characters", () => {
    expect(found(spec([step("has space"), step("a".repeat(129))]))).toEqual([
      "spec.steps[0].step_id INVALID_FORMAT",
      "spec.steps[1].step_id INVALID_FORMAT",
    ]);
  });

  it("returns DUPLICATE_STEP_ID naming both indexes", () => {
    const [violation, ...rest] = validateSpec(spec([step("a"), step("b"), step("a")]), {
      workflowName: undefined,
    });
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({ field: "spec.steps[2].step_id", code: "DUPLICATE_STEP_ID" });
    expect(violation?.description).toContain("spec.steps[2]");
    expect(violation?.description).toContain("spec.steps[0]");
  });
});

describe("validateSpec › step names and timeouts", () => {
  it("accepts a name of 200 characters and a timeout of 1..86400 seconds", () => {
    expect(
      found(
        spec([
          step("a", { name: "n".repeat(200), timeoutSeconds: 1 }),
          step("b", { timeoutSeconds: 86_400 }),
        ]),
      ),
    ).toEqual([]);
  });

  it("rejects a longer name and timeouts outside 1..86400", () => {
    expect(
      found(
        spec([
          step("a", { name: "n".repeat(201), timeoutSeconds: 0 }),
          step("b", { timeoutSeconds: 86_401 }),
        ]),
      ),
    ).toEqual([
      "spec.steps[0].name TOO_LONG",
      "spec.steps[0].timeout_seconds OUT_OF_RANGE",
      "spec.steps[1].timeout_seconds OUT_OF_RANGE",
    ]);
  });
});

describe("validateSpec › depends_on", () => {
  it("accepts dependencies on existing steps, earlier or later in the list", () => {
    expect(found(spec([step("a"), step("b", { dependsOn: ["a", "c"] }), step("c")]))).toEqual([]);
  });

  it("returns UNKNOWN_DEPENDENCY for an id no step has", () => {
    expect(found(spec([step("a"), step("b", { dependsOn: ["a", "nope"] })]))).toEqual([
      "spec.steps[1].depends_on[1] UNKNOWN_DEPENDENCY",
    ]);
  });

  it("rejects a step depending on itself", () => {
    expect(found(spec([step("a", { dependsOn: ["a"] })]))).toEqual([
      "spec.steps[0].depends_on[0] SELF_DEPENDENCY",
    ]);
  });

  it("rejects the same dependency listed twice, at the repeat", () => {
    expect(found(spec([step("a"), step("b", { dependsOn: ["a", "a"] })]))).toEqual([
      "spec.steps[1].depends_on[1] DUPLICATE_DEPENDENCY",
    ]);
  });

  it("rejects an empty dependency id", () => {
    expect(found(spec([step("a"), step("b", { dependsOn: [""] })]))).toEqual([
      "spec.steps[1].depends_on[0] REQUIRED",
    ]);
  });
});
