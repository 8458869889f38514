import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { Field } from "./field";

describe("Field", () => {
  it("labels its control and describes it by the hint", () => {
    render(
      <Field label="Tags" hint="Comma-separated, lower-case.">
        {(control) => <input {...control} />}
      </Field>,
    );
    const input = screen.getByLabelText("Tags");
    expect(input.getAttribute("aria-describedby")).toBeTruthy();
    expect(document.getElementById(input.getAttribute("aria-describedby")!)?.textContent).toBe(
      "Comma-separated, lower-case.",
    );
  });

  it("leaves the control undescribed without a hint", () => {
    render(<Field label="Name">{(control) => <input {...control} />}</Field>);
    expect(screen.getByLabelText("Name").hasAttribute("aria-describedby")).toBe(false);
  });
});
