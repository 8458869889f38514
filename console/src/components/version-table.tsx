import type { Timestamp } from "@bufbuild/protobuf/wkt";
import type { ReactNode } from "react";
import { Link } from "react-router";
import { formatTime } from "../format/time";

/** What every numbered version has (MCP and workflow versions alike). */
export interface NumberedVersion {
  readonly version: number;
  readonly createTime?: Timestamp;
  readonly changeNote: string;
  readonly contentHash: string;
}

/** A column of a kind of version beside the shared ones. */
export interface VersionColumn<V> {
  readonly header: string;
  readonly cell: (version: V) => ReactNode;
}

/**
 * A versions table, newest first: version (a link to `?version=N`, the shown one marked), written,
 * change note, then `columns`, then the content hash. Used for MCPs and workflows alike.
 */
export function VersionTable<V extends NumberedVersion>({
  name,
  versions,
  shown,
  columns,
  note,
}: {
  name: string;
  versions: readonly V[];
  shown: number;
  columns: readonly VersionColumn<V>[];
  /** Text after a version's link, e.g. " (current)". */
  note?: (version: V) => string;
}) {
  return (
    <table>
      <caption className="visually-hidden">Versions of {name}</caption>
      <thead>
        <tr>
          <th scope="col">Version</th>
          <th scope="col">Written</th>
          <th scope="col">Change note</th>
          {columns.map((c) => (
            <th scope="col" key={c.header}>
              {c.header}
            </th>
          ))}
          <th scope="col">Hash</th>
        </tr>
      </thead>
      <tbody>
        {versions.map((v) => (
          <tr key={v.version} aria-current={v.version === shown ? "true" : undefined}>
            <td>
              <Link to={`?version=${v.version}`}>v{v.version}</Link>
              {note?.(v) ?? ""}
            </td>
            <td>{formatTime(v.createTime)}</td>
            <td>{v.changeNote || "—"}</td>
            {columns.map((c) => (
              <td key={c.header}>{c.cell(v)}</td>
            ))}
            <td>
              <code>{v.contentHash.slice(0, 12)}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
