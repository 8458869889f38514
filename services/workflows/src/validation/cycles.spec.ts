import { findCycles } from "./cycles.js";
import { buildGraph } from "./graph.js";
import { fromStep, spec, step, found } from "./testing.js";
import { validateSpec } from "./validate-spec.js";

function cycleMessages(subject: ReturnType<typeof spec>): string[] {
  return validateSpec(subject, { workflowName: undefined })
    .filter((v) => v.code === "CYCLE")
    .map((v) => `${v.field}: ${v.description.replace(/^steps form a cycle: (.*) \(each.*$/, "$1")}`);
}

describe("validateSpec › cycles", () => {
  it("accepts a diamond, which has no cycle", () => {
    const subject = spec([
      step("a"),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["a"] }),
      step("d", { dependsOn: ["b", "c"] }),
    ]);
    expect(found(subject)).toEqual([]);
  });

  it("names the cycle a -> b -> a at the first step's depends_on entry", () => {
    expect(cycleMessages(spec([step("a", { dependsOn: ["b"] }), step("b", { dependsOn: ["a"] })]))).toEqual([
      "spec.steps[0].depends_on[0]: a -> b -> a",
    ]);
  });

  it("names a longer cycle in waits-for order, starting at its first declared step", () => {
    const subject = spec([
      step("x"),
      step("b", { dependsOn: ["x", "c"] }),
      step("c", { dependsOn: ["d"] }),
      step("d", { dependsOn: ["b"] }),
    ]);
    expect(cycleMessages(subject)).toEqual(["spec.steps[1].depends_on[1]: b -> c -> d -> b"]);
  });

  it("reports each distinct cycle once", () => {
    const subject = spec([
      step("a", { dependsOn: ["b", "c"] }),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["a"] }),
      step("d", { dependsOn: ["e"] }),
      step("e", { dependsOn: ["d"] }),
    ]);
    expect(cycleMessages(subject)).toEqual([
      "spec.steps[0].depends_on[0]: a -> b -> a",
      "spec.steps[0].depends_on[1]: a -> c -> a",
      "spec.steps[3].depends_on[0]: d -> e -> d",
    ]);
  });

  it("finds no cycle through a step_output input, which adds no dependency", () => {
    const subject = spec([step("a", { dependsOn: ["b"] }), step("b", { inputs: { text: fromStep("a") } })]);
    expect(found(subject)).toEqual([
      'spec.steps[1].inputs["text"].step_output.step_id STEP_OUTPUT_NOT_UPSTREAM',
    ]);
    expect(cycleMessages(subject)).toEqual([]);
  });

  it("finds no cycle between steps that only read each other's outputs", () => {
    const subject = spec([
      step("a", { inputs: { x: fromStep("b") } }),
      step("b", { inputs: { y: fromStep("a") } }),
    ]);
    expect(found(subject)).toEqual([
      'spec.steps[0].inputs["x"].step_output.step_id STEP_OUTPUT_NOT_UPSTREAM',
      'spec.steps[1].inputs["y"].step_output.step_id STEP_OUTPUT_NOT_UPSTREAM',
    ]);
  });

  it("still names a depends_on cycle at its depends_on entry when step_output inputs follow it", () => {
    const subject = spec([
      step("a", { dependsOn: ["b"], inputs: { x: fromStep("b") } }),
      step("b", { dependsOn: ["a"], inputs: { y: fromStep("a") } }),
    ]);
    expect(found(subject)).toEqual(["spec.steps[0].depends_on[0] CYCLE"]);
    expect(cycleMessages(subject)).toEqual(["spec.steps[0].depends_on[0]: a -> b -> a"]);
  });

  it("lists at most 25 cycles of a dense graph and says more exist", () => {
    const ids = ["a", "b", "c", "d", "e", "f"];
    const subject = spec(ids.map((id) => step(id, { dependsOn: ids.filter((other) => other !== id) })));
    const cycles = validateSpec(subject, { workflowName: undefined }).filter((v) => v.code === "CYCLE");
    expect(cycles).toHaveLength(26);
    const note = cycles.filter((v) => v.field === "spec.steps");
    expect(note).toEqual([
      expect.objectContaining({ description: expect.stringContaining("more than 25") as string }),
    ]);
  });
});

describe("findCycles", () => {
  it("finds every elementary cycle of a complete graph exactly once", () => {
    // A complete directed graph on 4 nodes has 6 + 8 + 6 = 20 elementary cycles.
    const ids = ["a", "b", "c", "d"];
    const graph = buildGraph(
      spec(ids.map((id) => step(id, { dependsOn: ids.filter((other) => other !== id) }))),
    );
    const { cycles, truncated } = findCycles(graph, 100);
    expect(truncated).toBe(false);
    expect(new Set(cycles.map((cycle) => cycle.join(","))).size).toBe(20);
    expect(cycles).toHaveLength(20);
  });

  it("sees no edge in a step_output input", () => {
    const graph = buildGraph(
      spec([step("a", { inputs: { x: fromStep("b") } }), step("b", { inputs: { y: fromStep("a") } })]),
    );
    expect(graph.waitsFor).toEqual([[], []]);
    expect(findCycles(graph)).toEqual({ cycles: [], truncated: false });
  });
});
