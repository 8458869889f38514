import { outputsOf, textOf, toolErrorMessage } from "./tool-result.js";

describe("outputsOf", () => {
  it("returns structuredContent itself when the tool gave one", () => {
    const outputs = outputsOf({
      content: [{ type: "text", text: '{"n":1}' }],
      structuredContent: { n: 1, nested: { ok: true } },
    });
    expect(outputs).toEqual({ n: 1, nested: { ok: true } });
  });

  it("returns the joined text and every content block otherwise", () => {
    const content = [
      { type: "text" as const, text: "first" },
      { type: "image" as const, data: "aGk=", mimeType: "image/png" },
      { type: "text" as const, text: "second" },
    ];
    expect(outputsOf({ content })).toEqual({ text: "first\nsecond", content });
  });

  it("gives empty text when there is no text block", () => {
    expect(outputsOf({ content: [] })).toEqual({ text: "", content: [] });
  });
});

describe("toolErrorMessage", () => {
  it("quotes the tool's text", () => {
    const result = { content: [{ type: "text" as const, text: "disk full " }], isError: true };
    expect(toolErrorMessage("save", result)).toBe('MCP tool "save" reported an error: disk full');
    expect(textOf(result)).toBe("disk full ");
  });

  it("says so when the tool gave no message", () => {
    expect(toolErrorMessage("save", { content: [], isError: true })).toBe(
      'MCP tool "save" reported an error: (no message)',
    );
  });
});
