import type { McpConfig } from "@mcp/proto/registry";
import type { CodeLanguage } from "./code-language";

/** One piece of code in an MCP version's config, shown and compared as code rather than as JSON. */
export interface CodeText {
  /** Stable key across versions (the config field's JSON name), to pair the sides of a diff. */
  readonly key: string;
  readonly title: string;
  readonly language: CodeLanguage;
  readonly text: string;
}

/** The source of a notebook's cells, one block per cell, each headed `# %% [<kind> <n>]`. */
export function notebookCells(notebookJson: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(notebookJson);
  } catch {
    return undefined;
  }
  const cells = (doc as { cells?: unknown }).cells;
  if (!Array.isArray(cells)) return undefined;
  return cells
    .map((cell: { cell_type?: unknown; source?: unknown }, i) => {
      const source = Array.isArray(cell.source)
        ? cell.source.map((line) => (typeof line === "string" ? line : "")).join("")
        : typeof cell.source === "string"
          ? cell.source
          : "";
      const kind = typeof cell.cell_type === "string" ? cell.cell_type : "cell";
      return `# %% [${kind} ${i + 1}]\n${source.replace(/\n$/, "")}\n`;
    })
    .join("\n");
}

/** The code of a config: a script, a prompt template and system prompt, a notebook's cells. */
export function codeFieldsOf(config: McpConfig | undefined): CodeText[] {
  const kind = config?.kind;
  switch (kind?.case) {
    case "pythonScript":
      return kind.value.source.case === "scriptContent"
        ? [{ key: "scriptContent", title: "Script", language: "python", text: kind.value.source.value }]
        : [];
    case "llmPrompt":
      return [
        { key: "template", title: "Prompt template", language: "prompt" as const, text: kind.value.template },
        ...(kind.value.systemPrompt
          ? [
              {
                key: "systemPrompt",
                title: "System prompt",
                language: "prompt" as const,
                text: kind.value.systemPrompt,
              },
            ]
          : []),
      ];
    case "jupyterNotebook": {
      if (kind.value.source.case !== "notebookContent") return [];
      const cells = notebookCells(kind.value.source.value);
      return cells === undefined
        ? [{ key: "notebookContent", title: "Notebook", language: "json", text: kind.value.source.value }]
        : [{ key: "notebookContent", title: "Notebook cells", language: "python", text: cells }];
    }
    default:
      return [];
  }
}

/** Pairs the code of two versions by key, in the newer version's order then the older's leftovers. */
export function pairCodeFields(
  before: readonly CodeText[],
  after: readonly CodeText[],
): { key: string; title: string; language: CodeLanguage; before: string; after: string }[] {
  const keys = [...new Set([...after.map((c) => c.key), ...before.map((c) => c.key)])];
  return keys.map((key) => {
    const a = before.find((c) => c.key === key);
    const b = after.find((c) => c.key === key);
    const any = (b ?? a)!;
    return { key, title: any.title, language: any.language, before: a?.text ?? "", after: b?.text ?? "" };
  });
}
