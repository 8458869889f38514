import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { StepFailure } from "../../step/index.js";
import { stepFailureOf } from "../testing.js";
import { codeCellsOf, notebookText } from "./notebook-document.js";
import { fixture } from "./testing.js";

describe("codeCellsOf", () => {
  it("lists the code cells with both indexes, joined sources and tags, skipping markdown", () => {
    expect(codeCellsOf(fixture("parameterised.ipynb"))).toEqual([
      { index: 0, notebookIndex: 1, source: "x = 1", tags: ["parameters"] },
      { index: 1, notebookIndex: 2, source: 'y = x * 2\nprint(f"y is {y}")', tags: [] },
      { index: 2, notebookIndex: 4, source: "z = y + 1\nz", tags: [] },
    ]);
  });

  it("reads a string source, a missing source and non-string tags", () => {
    const text = JSON.stringify({
      nbformat: 4,
      cells: [
        { cell_type: "raw", source: "raw" },
        { cell_type: "code", source: "a = 1", metadata: { tags: ["parameters", 7] } },
        { cell_type: "code", metadata: { tags: "parameters" } },
      ],
    });
    expect(codeCellsOf(text)).toEqual([
      { index: 0, notebookIndex: 1, source: "a = 1", tags: ["parameters"] },
      { index: 1, notebookIndex: 2, source: "", tags: [] },
    ]);
  });

  it.each([
    ["not JSON", "{", /notebook is not valid JSON/],
    ["an array", "[]", /notebook must be a JSON object/],
    ["nbformat 3", JSON.stringify({ nbformat: 3, cells: [] }), /notebook must be nbformat 4, got 3/],
    ["no cells", JSON.stringify({ nbformat: 4 }), /notebook has no `cells` array/],
    [
      "a bad source",
      JSON.stringify({ nbformat: 4, cells: [{ cell_type: "code", source: [1] }] }),
      /notebook cell 0: source must be a string or a list of strings/,
    ],
  ])("fails with RUNNER_ERROR for %s", (_, text, message) => {
    let failure: unknown;
    try {
      codeCellsOf(text);
    } catch (error) {
      failure = error;
    }
    expect(failure).toBeInstanceOf(StepFailure);
    expect(failure).toMatchObject({
      code: "RUNNER_ERROR",
      message: expect.stringMatching(message) as unknown,
    });
  });
});

/** A readable-path check that lets every path through, as the sandbox does when it is off. */
const readable = (path: string) => Promise.resolve(path);

describe("notebookText", () => {
  it("returns notebook_content as is", async () => {
    expect(await notebookText({ case: "notebookContent", value: "{}" }, readable)).toBe("{}");
  });

  it("reads a notebook_path file", async () => {
    const dir = await mkdtemp(join(tmpdir(), "notebook-document-spec-"));
    try {
      const path = join(dir, "n.ipynb");
      await writeFile(path, "content");
      expect(await notebookText({ case: "notebookPath", value: path }, readable)).toBe("content");
      expect(
        (await stepFailureOf(notebookText({ case: "notebookPath", value: dir }, readable))).message,
      ).toMatch(/is not a readable file/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("refuses a relative notebook_path and a config with no source", async () => {
    expect(
      (await stepFailureOf(notebookText({ case: "notebookPath", value: "n.ipynb" }, readable))).message,
    ).toMatch(/notebook_path must be absolute/);
    expect((await stepFailureOf(notebookText({ case: undefined }, readable))).code).toBe("RUNNER_ERROR");
  });

  it("reads a notebook_path only after the sandbox's check lets it", async () => {
    const refuse = () => Promise.reject(new StepFailure("INVALID_CONFIG", "outside SANDBOX_READ_PATHS"));
    const failure = await stepFailureOf(notebookText({ case: "notebookPath", value: "/etc/shadow" }, refuse));
    expect(failure).toMatchObject({ code: "INVALID_CONFIG", message: "outside SANDBOX_READ_PATHS" });
  });
});
