import { useId, type ReactNode } from "react";

/** What a field's control spreads onto itself: its id, and the hint that describes it when there is one. */
export interface FieldControlProps {
  id: string;
  "aria-describedby"?: string;
}

/** A labelled form field: the label, the control (`children`, given its id) and an optional hint. */
export function Field({
  label,
  hint,
  children,
}: {
  label: ReactNode;
  hint?: ReactNode;
  children: (control: FieldControlProps) => ReactNode;
}) {
  const id = useId();
  const hintId = `${id}-hint`;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(hint === undefined ? { id } : { id, "aria-describedby": hintId })}
      {hint !== undefined && (
        <p id={hintId} className="hint">
          {hint}
        </p>
      )}
    </div>
  );
}
