import type { Trigger } from "@mcp/proto/executor";
import { Link } from "react-router";
import { formatTime, isoTime } from "../../format/time";

/** How a delivery's body becomes the run's inputs, in a few words. */
export function inputsSummary(t: Trigger): string {
  const paths = Object.entries(t.inputPaths);
  return paths.length === 0
    ? "the whole body"
    : paths.map(([input, path]) => `${input} ← ${path}`).join(", ");
}

/** The triggers, a row each: workflow, webhook URL, input mapping, rate limit; never a secret. */
export function TriggersTable({
  triggers,
  executorUrl,
  onDelete,
}: {
  triggers: readonly Trigger[];
  /** Where the executor is reached from this browser: the webhook URLs start with it. */
  executorUrl: string;
  onDelete: (trigger: Trigger) => void;
}) {
  return (
    <table>
      <caption className="visually-hidden">Triggers</caption>
      <thead>
        <tr>
          <th scope="col">Name</th>
          <th scope="col">Workflow</th>
          <th scope="col">Webhook</th>
          <th scope="col">Inputs</th>
          <th scope="col">Rate limit</th>
          <th scope="col">Secret set</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {triggers.map((t) => {
          const workflow = t.workflow?.workflow.value ?? "";
          const version = t.workflow?.version;
          return (
            <tr key={t.name}>
              <th scope="row">
                <code>{t.name}</code>
                {t.description && <div className="hint clip">{t.description}</div>}
              </th>
              <td>
                {t.workflow?.workflow.case === "name" ? (
                  <Link
                    to={`/workflows/${encodeURIComponent(workflow)}${version === undefined ? "" : `?version=${version}`}`}
                  >
                    {workflow}
                  </Link>
                ) : (
                  <code>{workflow}</code>
                )}
                {version === undefined ? " (current)" : ` v${version}`}
              </td>
              <td>
                <code>POST {executorUrl.replace(/\/$/, "") + t.path}</code>
              </td>
              <td className="clip">{inputsSummary(t)}</td>
              <td>
                {t.ratePerMinute}/min, {t.burst} at once
              </td>
              <td>
                <time dateTime={isoTime(t.secretTime)}>{formatTime(t.secretTime)}</time>
              </td>
              <td className="row-actions">
                <button type="button" aria-label={`Delete ${t.name}`} onClick={() => onDelete(t)}>
                  Delete
                </button>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
