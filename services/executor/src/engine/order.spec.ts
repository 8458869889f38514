import { dependencyOrder, directDependents, InvalidPlanError, transitiveDependents } from "./order.js";
import { step } from "./testing/index.js";

const ids = (steps: { stepId: string }[]): string[] => steps.map((s) => s.stepId);

describe("dependencyOrder", () => {
  it("puts every step after its dependencies and keeps declared order for ties", () => {
    const steps = [
      step("c", { dependsOn: ["a"] }),
      step("a"),
      step("b"),
      step("d", { dependsOn: ["c", "b"] }),
    ];
    expect(ids(dependencyOrder(steps))).toEqual(["a", "c", "b", "d"]);
  });

  it("keeps the declared order of independent steps", () => {
    expect(ids(dependencyOrder([step("z"), step("y"), step("x")]))).toEqual(["z", "y", "x"]);
  });

  it("refuses a cycle, naming its steps", () => {
    const steps = [step("a", { dependsOn: ["b"] }), step("b", { dependsOn: ["a"] }), step("c")];
    expect(() => dependencyOrder(steps)).toThrow(new InvalidPlanError("dependency cycle among steps a, b"));
  });

  it("refuses an unknown dependency", () => {
    expect(() => dependencyOrder([step("a", { dependsOn: ["ghost"] })])).toThrow(/unknown step "ghost"/);
  });

  it("refuses duplicate step ids", () => {
    expect(() => dependencyOrder([step("a"), step("a")])).toThrow(/duplicate step id "a"/);
  });
});

describe("transitiveDependents", () => {
  it("finds direct and indirect dependents once each, not unrelated steps", () => {
    const steps = [
      step("a"),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["b", "a"] }),
      step("d"),
    ];
    expect(transitiveDependents("a", directDependents(steps)).sort()).toEqual(["b", "c"]);
    expect(transitiveDependents("d", directDependents(steps))).toEqual([]);
  });
});
