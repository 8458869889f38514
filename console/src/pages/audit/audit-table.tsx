import type { AuditEvent } from "@mcp/proto/registry";
import { formatTime, isoTime } from "../../format/time";

/** The audit events, newest first: when, who, which RPC on what, and how it ended. */
export function AuditTable({ events }: { events: readonly AuditEvent[] }) {
  return (
    <table>
      <caption className="visually-hidden">Audit events</caption>
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">Actor</th>
          <th scope="col">RPC</th>
          <th scope="col">Target</th>
          <th scope="col">Outcome</th>
          <th scope="col">Request id</th>
        </tr>
      </thead>
      <tbody>
        {events.map((e) => (
          <tr key={e.id}>
            <td>
              <time dateTime={isoTime(e.eventTime)}>{formatTime(e.eventTime)}</time>
            </td>
            <td>{e.actor ? `${e.actor} (${e.actorKind})` : "—"}</td>
            <td title={e.service}>{e.method}</td>
            <td>{e.target || "—"}</td>
            <td>{e.outcome}</td>
            <td>
              <code>{e.requestId}</code>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
