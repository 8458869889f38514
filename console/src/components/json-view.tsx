import { prettyJson } from "../format/json";
import { Empty } from "./states";

/** A JSON value, pretty-printed with sorted keys; `empty` when the value is unset. */
export function JsonView({
  value,
  label,
  empty = "None.",
}: {
  value: unknown;
  label: string;
  empty?: string;
}) {
  if (value === undefined || value === null) return <Empty>{empty}</Empty>;
  return (
    <pre className="json" aria-label={label} tabIndex={0}>
      {prettyJson(value)}
    </pre>
  );
}
