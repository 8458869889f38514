import { create } from "@bufbuild/protobuf";
import { McpFacetsSchema, McpType } from "@mcp/proto/registry";
import { describe, expect, it } from "vitest";
import { facetOptions, filterOf, toggled, typeCounts } from "./facets";

describe("catalogue facets", () => {
  it("reads the URL's choices as a ListMcps filter", () => {
    expect(
      filterOf({
        q: "ech",
        type: "python_script,llm_prompt",
        tag: "a",
        label: "production",
        deprecated: "no",
      }),
    ).toEqual({
      text: "ech",
      types: [McpType.PYTHON_SCRIPT, McpType.LLM_PROMPT],
      tags: ["a"],
      labels: ["production"],
      deprecated: false,
    });
    expect(filterOf({ q: "", type: "", tag: "", label: "", deprecated: "" }).deprecated).toBeUndefined();
  });

  it("toggles a value in a comma list", () => {
    expect(toggled("", "a")).toBe("a");
    expect(toggled("a", "b")).toBe("a,b");
    expect(toggled("a,b", "a")).toBe("b");
  });

  it("keeps a chosen value the counts left out, with 0", () => {
    expect(facetOptions([{ value: "x", count: 2 }], "y")).toEqual([
      { value: "x", count: 2, chosen: false },
      { value: "y", count: 0, chosen: true },
    ]);
  });

  it("lists every type, with 0 for the types without MCPs", () => {
    const facets = create(McpFacetsSchema, { types: [{ type: McpType.MCP_TOOL, count: 3 }] });
    expect(typeCounts(facets).find((t) => t.value === "mcp_tool")).toEqual({ value: "mcp_tool", count: 3 });
    expect(typeCounts(facets).find((t) => t.value === "llm_prompt")?.count).toBe(0);
  });
});
