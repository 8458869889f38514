import { lazy, Suspense } from "react";
import type { CodeEditorProps } from "./code-editor";
import type { CodeMergeProps } from "./code-merge";

// CodeMirror is loaded on first use, in its own chunks, so the first page's JavaScript stays small
// (the build's size check, console/scripts/check-bundle.mjs, run by `npm run build`, keeps it so).
const Editor = lazy(() => import("./code-editor"));
const Merge = lazy(() => import("./code-merge"));

/**
 * The code editor (or, `readOnly`, the highlighted view), loaded lazily; until it is, a plain text area
 * (or block) with the same text and name.
 */
export function CodeEditor(props: CodeEditorProps) {
  const fallback = props.readOnly ? (
    <pre className="code-fallback" aria-label={props.label}>
      {props.value}
    </pre>
  ) : (
    <textarea
      className="code"
      aria-label={props.label}
      id={props.id}
      aria-describedby={props.describedBy}
      rows={props.minLines}
      spellCheck={false}
      value={props.value}
      placeholder={props.placeholder}
      onChange={(e) => props.onChange?.(e.target.value)}
    />
  );
  return (
    <Suspense fallback={fallback}>
      <Editor {...props} />
    </Suspense>
  );
}

/** The side-by-side code diff, loaded lazily. */
export function CodeMerge(props: CodeMergeProps) {
  return (
    <Suspense fallback={<p className="hint">Loading the diff…</p>}>
      <Merge {...props} />
    </Suspense>
  );
}
