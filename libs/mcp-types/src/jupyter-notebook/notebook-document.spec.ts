import { codeCellsOf, isCodeCell, parseNotebook, type NotebookDocument } from "./notebook-document";

function documentOf(text: string): NotebookDocument {
  const parsed = parseNotebook(text);
  if ("problem" in parsed) throw new Error(`not a notebook: ${parsed.problem.kind}`);
  return parsed.document;
}

describe("parseNotebook", () => {
  it("returns the cells of an nbformat 4 document", () => {
    const cells = [
      { cell_type: "code", source: "x = 1" },
      { cell_type: "markdown", source: "# x" },
    ];
    expect(parseNotebook(JSON.stringify({ nbformat: 4, nbformat_minor: 5, cells }))).toEqual({
      document: { cells },
    });
  });

  it.each([
    ["not JSON", "{", "not-json"],
    ["an array", "[]", "not-an-object"],
    ["null", "null", "not-an-object"],
    ["nbformat 3", JSON.stringify({ nbformat: 3, cells: [] }), "not-nbformat-4"],
    ["no nbformat", JSON.stringify({ cells: [] }), "not-nbformat-4"],
    ["no cells", JSON.stringify({ nbformat: 4 }), "no-cells"],
    ["cells that are not an array", JSON.stringify({ nbformat: 4, cells: {} }), "no-cells"],
  ])("names the problem with %s", (_, text, kind) => {
    expect(parseNotebook(text)).toMatchObject({ problem: { kind } });
  });

  it("carries the parser's message and the nbformat found", () => {
    expect(parseNotebook("{")).toEqual({
      problem: { kind: "not-json", detail: expect.any(String) as unknown },
    });
    expect(parseNotebook(JSON.stringify({ nbformat: "4", cells: [] }))).toEqual({
      problem: { kind: "not-nbformat-4", nbformat: "4" },
    });
  });
});

describe("isCodeCell", () => {
  it("is true only for objects whose cell_type is code", () => {
    expect([{ cell_type: "code" }, { cell_type: "raw" }, [], null, "code"].map(isCodeCell)).toEqual([
      true,
      false,
      false,
      false,
      false,
    ]);
  });
});

describe("codeCellsOf", () => {
  it("lists the code cells with both indexes, joined sources and tags, skipping others", () => {
    const document = documentOf(
      JSON.stringify({
        nbformat: 4,
        cells: [
          { cell_type: "markdown", source: "# title" },
          { cell_type: "code", source: ["a = 1\n", "b = 2"], metadata: { tags: ["parameters", 7] } },
          { cell_type: "raw", source: "raw" },
          { cell_type: "code", metadata: { tags: "parameters" } },
        ],
      }),
    );
    expect(codeCellsOf(document)).toEqual({
      cells: [
        { index: 0, notebookIndex: 1, source: "a = 1\nb = 2", tags: ["parameters"] },
        { index: 1, notebookIndex: 3, source: "", tags: [] },
      ],
    });
  });

  it("names the first cell that is not an object, code or not", () => {
    expect(codeCellsOf({ cells: [{ cell_type: "code", source: "" }, 3] })).toEqual({
      problem: { kind: "cell-not-an-object", notebookIndex: 1 },
    });
  });

  it("names a code cell whose source is neither a string nor a list of strings", () => {
    expect(
      codeCellsOf({
        cells: [
          { cell_type: "raw", source: 1 },
          { cell_type: "code", source: [1] },
        ],
      }),
    ).toEqual({
      problem: { kind: "bad-source", notebookIndex: 1 },
    });
  });
});
