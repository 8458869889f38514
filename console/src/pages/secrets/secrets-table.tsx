import type { Secret } from "@mcp/proto/executor";
import { formatTime, isoTime } from "../../format/time";

/** The secrets' metadata, a row each, with "Set value" and "Delete"; never a value (the API has none). */
export function SecretsTable({
  secrets,
  onSetValue,
  onDelete,
}: {
  secrets: readonly Secret[];
  onSetValue: (secret: Secret) => void;
  onDelete: (secret: Secret) => void;
}) {
  return (
    <table>
      <caption className="visually-hidden">Secrets</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Description</th>
          <th scope="col">Value version</th>
          <th scope="col">Key id</th>
          <th scope="col">Updated</th>
          <th scope="col">Updated by</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {secrets.map((s) => (
          <tr key={s.name}>
            <th scope="row">
              <code>{s.name}</code>
            </th>
            <td className="clip">{s.description || "—"}</td>
            <td>v{s.valueVersion}</td>
            <td>
              <code>{s.keyId}</code>
            </td>
            <td>
              <time dateTime={isoTime(s.updateTime)}>{formatTime(s.updateTime)}</time>
            </td>
            <td>{s.updatedBy || "—"}</td>
            <td className="row-actions">
              <button type="button" aria-label={`Set value of ${s.name}`} onClick={() => onSetValue(s)}>
                Set value
              </button>{" "}
              <button type="button" aria-label={`Delete ${s.name}`} onClick={() => onDelete(s)}>
                Delete
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
