import { defaultHighlightStyle, syntaxHighlighting } from "@codemirror/language";
import { MergeView } from "@codemirror/merge";
import { EditorState } from "@codemirror/state";
import { EditorView, lineNumbers } from "@codemirror/view";
import { useEffect, useRef } from "react";
import type { CodeLanguage } from "./code-language";
import { languageExtension } from "./languages";

/** What the side-by-side diff is given: the older text (left) and the newer one (right). */
export interface CodeMergeProps {
  readonly before: string;
  readonly after: string;
  readonly language: CodeLanguage;
  /** Names the two sides, e.g. "Script in v1" and "Script in v2". */
  readonly beforeLabel: string;
  readonly afterLabel: string;
}

/**
 * A read-only, line-level side-by-side diff (@codemirror/merge): changed lines marked on both sides,
 * changed characters within them, long unchanged stretches collapsed.
 */
export default function CodeMerge({ before, after, language, beforeLabel, afterLabel }: CodeMergeProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const side = (doc: string, label: string) => ({
      doc,
      extensions: [
        lineNumbers(),
        syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
        languageExtension(language),
        EditorState.readOnly.of(true),
        EditorView.editable.of(false),
        EditorView.contentAttributes.of({
          "aria-label": label,
          "aria-readonly": "true",
          role: "textbox",
          // keyboard users can reach and scroll it (axe scrollable-region-focusable)
          tabindex: "0",
        }),
      ],
    });
    const merge = new MergeView({
      parent: host.current!,
      a: side(before, beforeLabel),
      b: side(after, afterLabel),
      collapseUnchanged: { margin: 3, minSize: 8 },
      gutter: true,
    });
    return () => merge.destroy();
  }, [before, after, language, beforeLabel, afterLabel]);
  return <div ref={host} className="code-merge" data-language={language} />;
}
