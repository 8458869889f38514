import { StepFailure } from "../step/index.js";
import { mapStepInputs } from "./inputs.js";
import { from, step } from "./testing/index.js";

const producer = { out: "text", n: 0, nothing: null };
const outputsOf = (id: string): typeof producer | undefined => (id === "a" ? producer : undefined);

/** The MISSING_INPUT failure of mapping `inputs`, or a test failure when there is none. */
function missing(inputs: Parameters<typeof step>[1]): StepFailure {
  try {
    mapStepInputs(step("b", inputs), { topic: "cats" }, outputsOf);
  } catch (error) {
    if (error instanceof StepFailure) return error;
    throw error;
  }
  throw new Error("mapping did not fail");
}

describe("mapStepInputs", () => {
  it("maps static values, workflow inputs, named step outputs and whole step outputs", () => {
    const b = step("b", {
      inputs: {
        fixed: from.value({ k: [1, "two", true, null] }),
        topic: from.input("topic"),
        text: from.step("a", "out"),
        zero: from.step("a", "n"),
        empty: from.step("a", "nothing"),
        all: from.step("a"),
      },
    });
    expect(mapStepInputs(b, { topic: "cats" }, outputsOf)).toEqual({
      fixed: { k: [1, "two", true, null] },
      topic: "cats",
      text: "text",
      zero: 0,
      empty: null,
      all: producer,
    });
  });

  it("fails with MISSING_INPUT naming a workflow input the run does not have", () => {
    const failure = missing({ inputs: { q: from.input("question") } });
    expect(failure.code).toBe("MISSING_INPUT");
    expect(failure.message).toContain('workflow input "question"');
  });

  it("fails with MISSING_INPUT naming the producer and the output it did not produce", () => {
    const failure = missing({ inputs: { q: from.step("a", "summary") } });
    expect(failure.code).toBe("MISSING_INPUT");
    expect(failure.message).toContain('output "summary" of step "a"');
  });

  it("fails with MISSING_INPUT when the producer has no outputs at all", () => {
    expect(missing({ inputs: { q: from.step("ghost") } }).message).toContain('the outputs of step "ghost"');
  });

  it("never reads inherited properties as outputs or inputs", () => {
    expect(missing({ inputs: { q: from.step("a", "constructor") } }).code).toBe("MISSING_INPUT");
    expect(missing({ inputs: { q: from.input("toString") } }).code).toBe("MISSING_INPUT");
  });
});
