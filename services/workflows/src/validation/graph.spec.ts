import { topologicalOrder, upstreamOf } from "./graph.js";
import { fromStep, spec, step } from "./testing.js";

describe("topologicalOrder", () => {
  it("keeps declared order when it already respects dependencies", () => {
    expect(topologicalOrder(spec([step("a"), step("b"), step("c", { dependsOn: ["a"] })]))).toEqual([
      "a",
      "b",
      "c",
    ]);
  });

  it("runs a step after the later-declared steps it waits for, ties in declared order", () => {
    const subject = spec([
      step("a", { dependsOn: ["c"] }),
      step("b"),
      step("c"),
      step("d", { inputs: { x: fromStep("a") } }),
    ]);
    expect(topologicalOrder(subject)).toEqual(["b", "c", "a", "d"]);
  });

  it("ignores step_output inputs: only depends_on orders steps", () => {
    expect(topologicalOrder(spec([step("a", { inputs: { x: fromStep("b") } }), step("b")]))).toEqual([
      "a",
      "b",
    ]);
    expect(
      topologicalOrder(spec([step("a", { dependsOn: ["b"], inputs: { x: fromStep("b") } }), step("b")])),
    ).toEqual(["b", "a"]);
  });

  it("puts steps on a cycle last, in declared order", () => {
    const subject = spec([step("a", { dependsOn: ["b"] }), step("b", { dependsOn: ["a"] }), step("c")]);
    expect(topologicalOrder(subject)).toEqual(["c", "a", "b"]);
  });
});

describe("upstreamOf", () => {
  it("maps each step to every step it waits for, transitively, through depends_on only", () => {
    const subject = spec([
      step("a"),
      step("b", { dependsOn: ["a"] }),
      step("c", { dependsOn: ["b"], inputs: { x: fromStep("a") } }),
      step("d", { inputs: { y: fromStep("c") } }),
    ]);
    const upstream = upstreamOf(subject);
    expect([...upstream].map(([id, set]) => [id, [...set]])).toEqual([
      ["a", []],
      ["b", ["a"]],
      ["c", ["a", "b"]],
      ["d", []],
    ]);
  });

  it("never lists a step as its own upstream, even on a cycle", () => {
    const upstream = upstreamOf(spec([step("a", { dependsOn: ["b"] }), step("b", { dependsOn: ["a"] })]));
    expect(upstream.get("a")).toEqual(new Set(["b"]));
    expect(upstream.get("b")).toEqual(new Set(["a"]));
  });
});
