import type { ReactNode } from "react";
import type { CodeLanguage } from "../code/code-language";
import { CodeEditor } from "../code/lazy";
import { Field } from "./field";

/** A code or YAML/JSON document typed into a highlighting code editor (CodeMirror, loaded lazily). */
export function CodeField({
  label,
  hint,
  rows,
  value,
  placeholder,
  language = "yaml",
  onChange,
}: {
  label: string;
  hint?: ReactNode;
  rows: number;
  value: string;
  placeholder?: string;
  language?: CodeLanguage;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      {(control) => (
        <CodeEditor
          id={control.id}
          describedBy={control["aria-describedby"]}
          label={label}
          language={language}
          minLines={rows}
          value={value}
          placeholder={placeholder}
          onChange={onChange}
        />
      )}
    </Field>
  );
}
