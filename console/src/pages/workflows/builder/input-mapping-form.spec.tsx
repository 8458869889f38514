import { create } from "@bufbuild/protobuf";
import { StepInputSchema, StepSchema, type StepInput } from "@mcp/proto/workflows";
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { describe, expect, it, vi } from "vitest";
import type { InputField } from "../../../forms/fields-from-schema";
import { valueJson } from "../../../format/json";
import { InputMappingForm, type MappingChoices } from "./input-mapping-form";

const declared: InputField[] = [
  { name: "limit", kind: "integer", required: false },
  { name: "text", kind: "string", required: true, description: "What to say." },
  { name: "mode", kind: "string", required: false, options: ["short", "long"] },
];
const choices: MappingChoices = {
  workflowInputs: ["topic"],
  upstream: new Map([["fetch", ["body", "status"]]]),
};

/** The form over a step held in state, as the builder holds it; every change is also recorded. */
function Harness({
  onChange,
  problems = () => [],
  initial = {},
}: {
  onChange: (name: string, input: StepInput | undefined) => void;
  problems?: (name: string) => readonly string[];
  initial?: Record<string, StepInput>;
}) {
  const [step, setStep] = useState(() => create(StepSchema, { stepId: "say", inputs: initial }));
  return (
    <InputMappingForm
      step={step}
      declared={declared}
      declaredFrom="input schema"
      choices={choices}
      problems={problems}
      onChange={(name, input) => {
        onChange(name, input);
        setStep((s) => {
          const inputs = { ...s.inputs };
          if (input) inputs[name] = input;
          else delete inputs[name];
          return create(StepSchema, { ...s, inputs });
        });
      }}
    />
  );
}

const sourceOf = (input: StepInput | undefined) =>
  input?.source.case === "staticValue" ? { static: valueJson(input.source.value) } : input?.source;

describe("InputMappingForm", () => {
  it("lists the declared inputs, required first, each labelled and typed", () => {
    render(<Harness onChange={vi.fn()} />);
    const legends = screen.getAllByRole("group").map((g) => g.querySelector("legend")?.textContent);
    expect(legends).toEqual(["text text required", "limit whole number", "mode text"]);
    expect(screen.getByText("What to say.")).toBeTruthy();
    expect(screen.getByText("Declared by the input schema.")).toBeTruthy();
    expect(screen.getByLabelText<HTMLSelectElement>("Source of text").value).toBe("unset");
  });

  it("maps a static value by the input's type, and refuses text that is not one", async () => {
    const onChange = vi.fn<(name: string, input: StepInput | undefined) => void>();
    render(<Harness onChange={onChange} />);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText("Source of text"), "static");
    await user.type(screen.getByLabelText("Value of text"), "hi");
    expect(sourceOf(onChange.mock.lastCall?.[1])).toEqual({ static: "hi" });

    await user.selectOptions(screen.getByLabelText("Source of limit"), "static");
    const limit = screen.getByLabelText("Value of limit");
    expect(limit.getAttribute("type")).toBe("number");
    await user.type(limit, "2.5");
    expect(screen.getByText("expected a whole number")).toBeTruthy();
    expect(screen.getByLabelText("Source of limit").getAttribute("aria-invalid")).toBe("true");
    await user.clear(limit);
    await user.type(limit, "7");
    expect(onChange).toHaveBeenLastCalledWith("limit", expect.anything());
    expect(sourceOf(onChange.mock.lastCall?.[1])).toEqual({ static: 7 });

    // an enum is a choice of its values
    await user.selectOptions(screen.getByLabelText("Source of mode"), "static");
    await user.selectOptions(screen.getByLabelText("Value of mode"), "long");
    expect(sourceOf(onChange.mock.lastCall?.[1])).toEqual({ static: "long" });
  });

  it("maps a workflow input and an upstream step's output, offering only what exists", async () => {
    const onChange = vi.fn<(name: string, input: StepInput | undefined) => void>();
    render(<Harness onChange={onChange} />);
    const user = userEvent.setup();
    await user.selectOptions(screen.getByLabelText("Source of text"), "workflowInput");
    const wi = screen.getByLabelText("Workflow input for text");
    expect([...(wi as HTMLSelectElement).options].map((o) => o.value)).toEqual(["", "topic"]);
    await user.selectOptions(wi, "topic");
    expect(sourceOf(onChange.mock.lastCall?.[1])).toEqual({ case: "workflowInput", value: "topic" });

    await user.selectOptions(screen.getByLabelText("Source of limit"), "stepOutput");
    const step = screen.getByLabelText<HTMLSelectElement>("Step for limit");
    expect([...step.options].map((o) => o.value)).toEqual(["", "fetch"]);
    await user.selectOptions(step, "fetch");
    await user.type(screen.getByLabelText("Output of limit"), "status");
    expect(sourceOf(onChange.mock.lastCall?.[1])).toMatchObject({
      case: "stepOutput",
      value: { stepId: "fetch", output: "status" },
    });
    // the known outputs of the chosen step are suggested
    const list = document.getElementById(screen.getByLabelText("Output of limit").getAttribute("list") ?? "");
    expect([...(list?.querySelectorAll("option") ?? [])].map((o) => o.value)).toEqual(["body", "status"]);

    await user.selectOptions(screen.getByLabelText("Source of limit"), "unset");
    expect(onChange).toHaveBeenLastCalledWith("limit", undefined);
  });

  it("shows an existing mapping and ValidateWorkflow's problems under the input they concern", () => {
    const initial = {
      extra: create(StepInputSchema, { source: { case: "workflowInput", value: "gone" } }),
    };
    render(
      <Harness
        onChange={vi.fn()}
        initial={initial}
        problems={(name) =>
          name === "extra"
            ? ['step "say": no workflow input "gone"']
            : name === ""
              ? ['requires input "text"']
              : []
        }
      />,
    );
    expect(screen.getByText("(not declared by the MCP)")).toBeTruthy();
    expect(screen.getByLabelText<HTMLSelectElement>("Source of extra").value).toBe("workflowInput");
    // a value not among the choices is still shown
    expect(screen.getByLabelText<HTMLSelectElement>("Workflow input for extra").value).toBe("gone");
    const source = screen.getByLabelText("Source of extra");
    expect(source.getAttribute("aria-invalid")).toBe("true");
    const described = document.getElementById(source.getAttribute("aria-describedby") ?? "");
    expect(described?.textContent).toBe('step "say": no workflow input "gone"');
    expect(screen.getByRole("list", { name: "Problems with the inputs of say" }).textContent).toBe(
      'requires input "text"',
    );
  });
});
