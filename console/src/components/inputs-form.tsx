import type { JsonObject } from "@bufbuild/protobuf";
import { CodeEditor } from "../code/lazy";
import { useId, useState, type FormEvent } from "react";
import type { InputField } from "../forms/fields-from-schema";
import { buildInputs, initialValues, parseFreeformInputs, type FormValues } from "../forms/build-inputs";

interface Props {
  readonly fields: readonly InputField[];
  readonly submitLabel: string;
  readonly onSubmit: (inputs: JsonObject) => void;
  readonly busy?: boolean;
  /** With no declared fields, offer one JSON textarea for the inputs instead of nothing. */
  readonly freeform?: boolean;
}

const KIND_HINT: Record<InputField["kind"], string> = {
  string: "text",
  number: "number",
  integer: "whole number",
  boolean: "true/false",
  object: "JSON object",
  array: "JSON array",
  json: "any JSON",
};

/**
 * A form generated from input fields: one labelled control per field (text, number, checkbox or a
 * JSON textarea, a select for enums), required fields marked, values checked and converted to JSON
 * before `onSubmit` is called.
 */
export function InputsForm({ fields, submitLabel, onSubmit, busy = false, freeform = false }: Props) {
  const id = useId();
  const [values, setValues] = useState<FormValues>(() => initialValues(fields));
  const [errors, setErrors] = useState<Readonly<Record<string, string>>>({});
  const [freeText, setFreeText] = useState("{}");
  const set = (name: string, value: string | boolean) => setValues((v) => ({ ...v, [name]: value }));
  const useFreeform = fields.length === 0 && freeform;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (useFreeform) {
      const parsed = parseFreeformInputs(freeText);
      setErrors(parsed.ok ? {} : { "": parsed.error });
      if (parsed.ok) onSubmit(parsed.inputs);
      return;
    }
    const built = buildInputs(fields, values);
    setErrors(built.ok ? {} : built.errors);
    if (built.ok) onSubmit(built.inputs);
  };

  return (
    <form className="inputs-form" onSubmit={submit} noValidate>
      {fields.length === 0 && !freeform && <p className="hint">No inputs declared.</p>}
      {useFreeform && (
        <div className="field">
          <label htmlFor={`${id}-freeform`}>Inputs (JSON object)</label>
          <CodeEditor
            id={`${id}-freeform`}
            label="Inputs (JSON object)"
            language="json"
            minLines={5}
            value={freeText}
            onChange={setFreeText}
            describedBy={errors[""] !== undefined ? `${id}-freeform-error` : undefined}
          />
          {errors[""] !== undefined && (
            <p id={`${id}-freeform-error`} className="field-error">
              {errors[""]}
            </p>
          )}
        </div>
      )}
      {fields.map((f, i) => (
        <FieldControl
          key={f.name}
          id={`${id}-f${i}`}
          field={f}
          value={values[f.name]}
          error={errors[f.name]}
          onChange={(v) => set(f.name, v)}
        />
      ))}
      <button type="submit" className="primary" disabled={busy}>
        {busy ? "Working…" : submitLabel}
      </button>
    </form>
  );
}

interface FieldProps {
  readonly id: string;
  readonly field: InputField;
  readonly value: string | boolean | undefined;
  readonly error: string | undefined;
  readonly onChange: (value: string | boolean) => void;
}

function FieldControl({ id, field, value, error, onChange }: FieldProps) {
  const describedBy = [`${id}-kind`, field.description ? `${id}-desc` : "", error ? `${id}-error` : ""]
    .filter(Boolean)
    .join(" ");
  const common = {
    id,
    name: field.name,
    required: field.required,
    "aria-invalid": error !== undefined,
    "aria-describedby": describedBy || undefined,
  };
  const text = typeof value === "string" ? value : "";
  let control;
  if (field.kind === "boolean" && field.required) {
    control = (
      <input
        type="checkbox"
        {...common}
        checked={value === true}
        onChange={(e) => onChange(e.target.checked)}
      />
    );
  } else if (field.kind === "boolean") {
    control = (
      <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
        <option value="">(not set)</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    );
  } else if (field.options !== undefined) {
    control = (
      <select {...common} value={text} onChange={(e) => onChange(e.target.value)}>
        <option value="">{field.required ? "(choose)" : "(not set)"}</option>
        {field.options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    );
  } else if (field.kind === "object" || field.kind === "array" || field.kind === "json") {
    control = (
      <textarea
        {...common}
        className="code"
        rows={4}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  } else {
    control = (
      <input
        {...common}
        type="text"
        inputMode={field.kind === "number" || field.kind === "integer" ? "decimal" : undefined}
        value={text}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  return (
    <div className={`field${field.kind === "boolean" && field.required ? " field-inline" : ""}`}>
      <div className="field-label">
        <label htmlFor={id}>{field.name}</label>
        {field.required && (
          <span className="required" title="required" aria-hidden="true">
            *
          </span>
        )}
      </div>
      <span id={`${id}-kind`} className="kind">
        {KIND_HINT[field.kind]}
        {field.required ? ", required" : ", optional"}
      </span>
      {control}
      {field.description && (
        <p id={`${id}-desc`} className="hint">
          {field.description}
        </p>
      )}
      {error !== undefined && (
        <p id={`${id}-error`} className="field-error">
          {field.name}: {error}
        </p>
      )}
    </div>
  );
}
