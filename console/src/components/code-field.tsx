import type { ReactNode } from "react";
import { Field } from "./field";

/** A YAML or JSON document typed into a monospaced, unchecked-spelling text area. */
export function CodeField({
  label,
  hint,
  rows,
  value,
  placeholder,
  onChange,
}: {
  label: ReactNode;
  hint?: ReactNode;
  rows: number;
  value: string;
  placeholder?: string;
  onChange: (value: string) => void;
}) {
  return (
    <Field label={label} hint={hint}>
      {(control) => (
        <textarea
          {...control}
          className="code"
          rows={rows}
          spellCheck={false}
          value={value}
          placeholder={placeholder}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}
