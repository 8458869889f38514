import { EditorView } from "@codemirror/view";
import { render, screen, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { CodeEditor, CodeMerge } from "./lazy";

/** The CodeMirror view whose editable element is `el`. */
function viewOf(el: HTMLElement): EditorView {
  const view = EditorView.findFromDOM(el);
  if (!view) throw new Error("no editor view");
  return view;
}

describe("CodeEditor", () => {
  it("loads CodeMirror lazily and highlights Python", async () => {
    render(<CodeEditor value={"def f():\n    return 1\n"} language="python" label="Script" readOnly />);
    const text = await screen.findByRole("textbox", { name: "Script" });
    expect(text.classList.contains("cm-content")).toBe(true);
    expect(text.getAttribute("aria-readonly")).toBe("true");
    expect(text.getAttribute("contenteditable")).toBe("false");
    // the keyword is in a highlighted span of its own
    await waitFor(() =>
      expect(
        [...text.querySelectorAll("span")].some((s) => s.textContent === "def" && s.className !== ""),
      ).toBe(true),
    );
  });

  it("marks every {{placeholder}} of a prompt template", async () => {
    render(
      <CodeEditor
        value={"Summarize {{text}} for {{ audience }}."}
        language="prompt"
        label="Prompt"
        readOnly
      />,
    );
    const text = await screen.findByRole("textbox", { name: "Prompt" });
    await waitFor(() =>
      expect([...text.querySelectorAll(".cm-placeholder-var")].map((s) => s.textContent)).toEqual([
        "{{text}}",
        "{{ audience }}",
      ]),
    );
  });

  it("reports edits through onChange and follows a new value", async () => {
    const onChange = vi.fn();
    const { rerender } = render(<CodeEditor value="a: 1" language="yaml" label="Spec" onChange={onChange} />);
    const text = await screen.findByRole("textbox", { name: "Spec" });
    const view = viewOf(text);
    view.dispatch({ changes: { from: view.state.doc.length, insert: "\nb: 2" } });
    expect(onChange).toHaveBeenLastCalledWith("a: 1\nb: 2");
    rerender(<CodeEditor value="c: 3" language="yaml" label="Spec" onChange={onChange} />);
    expect(viewOf(text).state.doc.toString()).toBe("c: 3");
  });
});

describe("CodeMerge", () => {
  it("shows both versions side by side with the changed line marked on each side", async () => {
    render(
      <CodeMerge
        before={"a = 1\nb = 2\nc = 3\n"}
        after={"a = 1\nb = 20\nc = 3\n"}
        language="python"
        beforeLabel="Script in v1"
        afterLabel="Script in v2"
      />,
    );
    const left = await screen.findByRole("textbox", { name: "Script in v1" });
    const right = await screen.findByRole("textbox", { name: "Script in v2" });
    const changed = (el: HTMLElement) =>
      [...el.querySelectorAll(".cm-changedLine")].map((l) => l.textContent);
    await waitFor(() => expect(changed(left)).toEqual(["b = 2"]));
    expect(changed(right)).toEqual(["b = 20"]);
  });
});
