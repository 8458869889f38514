import { act, renderHook } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { addStep, connect } from "../../builder/spec-edits";
import { useSpecDocument } from "./use-spec-document";

const TEXT = `# fetched, then summarised
steps:
  - stepId: fetch
    mcp: { name: fetcher }
`;

const mcp = (name: string) => ({
  kind: "mcp" as const,
  ref: {
    $typeName: "mcp.registry.v1.McpReference" as const,
    mcp: { case: "name" as const, value: name },
    selector: { case: undefined },
  },
});

describe("useSpecDocument (one spec, two views)", () => {
  it("keeps the builder's changes in the YAML view, and the YAML's in the builder", () => {
    const { result } = renderHook(() => useSpecDocument(TEXT, "yaml"));
    act(() => result.current.switchTo("visual"));
    expect(result.current.view).toBe("visual");
    expect(result.current.spec?.steps.map((s) => s.stepId)).toEqual(["fetch"]);

    const spec = result.current.spec!;
    act(() => result.current.setSpec(connect(addStep(spec, mcp("summariser")).spec, "fetch", "summariser")));
    expect(result.current.textNow).toContain("stepId: summariser");
    act(() => result.current.switchTo("yaml"));
    expect(result.current.text).toContain("- fetch");

    act(() => result.current.setText(result.current.text.replace("name: summariser", "name: summary")));
    act(() => result.current.switchTo("visual"));
    expect(result.current.spec?.steps.map((s) => [s.stepId, s.dependsOn])).toEqual([
      ["fetch", []],
      ["summariser", ["fetch"]],
    ]);
    expect(result.current.spec?.steps[1]?.mcp?.mcp).toEqual({ case: "name", value: "summary" });
  });

  it("keeps the text as typed (its comments) when the builder changed nothing", () => {
    const { result } = renderHook(() => useSpecDocument(TEXT, "yaml"));
    act(() => result.current.switchTo("visual"));
    act(() => result.current.switchTo("yaml"));
    expect(result.current.text).toBe(TEXT);
    expect(result.current.textNow).toBe(TEXT);
  });

  it("stays in the YAML view, saying why, while the text does not parse", () => {
    const { result } = renderHook(() => useSpecDocument(TEXT, "yaml"));
    act(() => result.current.setText("steps: [\n"));
    act(() => result.current.switchTo("visual"));
    expect(result.current.view).toBe("yaml");
    expect(result.current.switchError).toMatch(/^Spec: not valid YAML or JSON/);
  });
});
