import { mcpReferences } from "./mcp-refs.js";
import { spec, step, found } from "./testing.js";

const ID = "0b6c5a52-1f0e-4c8e-9a4e-2d1f3c4b5a69";

describe("validateSpec › MCP references", () => {
  it("accepts a name, a UUID id, a version from 1 and a label", () => {
    const subject = spec([
      step("a", {
        mcp: { mcp: { case: "name", value: "summarize.v2" }, selector: { case: "version", value: 1 } },
      }),
      step("b", {
        mcp: { mcp: { case: "id", value: ID }, selector: { case: "label", value: "production" } },
      }),
    ]);
    expect(found(subject)).toEqual([]);
  });

  it("requires a reference, and an id or name inside it", () => {
    expect(found(spec([step("a", { mcp: undefined }), step("b", { mcp: {} })]))).toEqual([
      "spec.steps[0].mcp REQUIRED",
      "spec.steps[1].mcp REQUIRED",
    ]);
  });

  it("rejects a malformed id, name, version and label", () => {
    const subject = spec([
      step("a", {
        mcp: { mcp: { case: "id", value: "not-a-uuid" }, selector: { case: "version", value: 0 } },
      }),
      step("b", {
        mcp: { mcp: { case: "name", value: "9lives" }, selector: { case: "label", value: "Prod" } },
      }),
    ]);
    expect(found(subject)).toEqual([
      "spec.steps[0].mcp.id INVALID_FORMAT",
      "spec.steps[0].mcp.version OUT_OF_RANGE",
      "spec.steps[1].mcp.name INVALID_FORMAT",
      "spec.steps[1].mcp.label INVALID_FORMAT",
    ]);
  });
});

describe("mcpReferences", () => {
  it("lists every step's reference with its field path, skipping steps without one", () => {
    const subject = spec([
      step("a"),
      step("b", { mcp: undefined }),
      step("c", { mcp: { mcp: { case: "id", value: ID } } }),
    ]);
    expect(mcpReferences(subject).map(({ stepId, field, ref }) => [stepId, field, ref.mcp.value])).toEqual([
      ["a", "spec.steps[0].mcp", "echo"],
      ["c", "spec.steps[2].mcp", ID],
    ]);
  });
});
