import { create } from "@bufbuild/protobuf";
import { McpConfigSchema } from "@mcp/proto/registry";
import { describe, expect, it } from "vitest";
import { codeFieldsOf, notebookCells, pairCodeFields } from "./code-fields";

describe("codeFieldsOf", () => {
  it("gives a script's content as Python", () => {
    const config = create(McpConfigSchema, {
      kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print(1)\n" } } },
    });
    expect(codeFieldsOf(config)).toEqual([
      { key: "scriptContent", title: "Script", language: "python", text: "print(1)\n" },
    ]);
  });

  it("gives a prompt's template and system prompt as prompts, leaving out an empty system prompt", () => {
    const both = create(McpConfigSchema, {
      kind: { case: "llmPrompt", value: { template: "Hi {{name}}", systemPrompt: "Be brief" } },
    });
    expect(codeFieldsOf(both).map((c) => [c.key, c.language, c.text])).toEqual([
      ["template", "prompt", "Hi {{name}}"],
      ["systemPrompt", "prompt", "Be brief"],
    ]);
    const one = create(McpConfigSchema, { kind: { case: "llmPrompt", value: { template: "x" } } });
    expect(codeFieldsOf(one)).toHaveLength(1);
  });

  it("gives a notebook's cells as Python, and the raw document when it is not JSON", () => {
    const nb = JSON.stringify({
      cells: [
        { cell_type: "markdown", source: ["# Title\n"] },
        { cell_type: "code", source: ["x = 1\n", "print(x)"] },
      ],
    });
    const config = create(McpConfigSchema, {
      kind: { case: "jupyterNotebook", value: { source: { case: "notebookContent", value: nb } } },
    });
    expect(codeFieldsOf(config)).toEqual([
      {
        key: "notebookContent",
        title: "Notebook cells",
        language: "python",
        text: "# %% [markdown 1]\n# Title\n\n# %% [code 2]\nx = 1\nprint(x)\n",
      },
    ]);
    expect(notebookCells("{not json")).toBeUndefined();
  });

  it("gives nothing for a script given by path, or no config", () => {
    const byPath = create(McpConfigSchema, {
      kind: { case: "pythonScript", value: { source: { case: "scriptPath", value: "a.py" } } },
    });
    expect(codeFieldsOf(byPath)).toEqual([]);
    expect(codeFieldsOf(undefined)).toEqual([]);
  });
});

describe("pairCodeFields", () => {
  it("pairs the two versions' code by key, with an empty side where one version has none", () => {
    const pairs = pairCodeFields(
      [{ key: "template", title: "Prompt template", language: "prompt", text: "a" }],
      [
        { key: "template", title: "Prompt template", language: "prompt", text: "b" },
        { key: "systemPrompt", title: "System prompt", language: "prompt", text: "s" },
      ],
    );
    expect(pairs).toEqual([
      { key: "template", title: "Prompt template", language: "prompt", before: "a", after: "b" },
      { key: "systemPrompt", title: "System prompt", language: "prompt", before: "", after: "s" },
    ]);
  });
});
