import { describeError } from "../errors/describe";

/**
 * An error as the API stated it: the code name (e.g. NOT_FOUND), the message, the reason and every
 * field violation it carries. Local errors (a form that does not parse) show their message alone.
 */
export function ErrorView({ error, title }: { error: unknown; title?: string }) {
  const d = describeError(error);
  return (
    <div role="alert" className="error-view">
      {title !== undefined && <p className="error-title">{title}</p>}
      <p>
        {d.code !== undefined && <code className="error-code">{d.code}</code>}{" "}
        <span className="error-message">{d.message}</span>
      </p>
      {d.reason !== undefined && (
        <p className="error-reason">
          reason: <code>{d.reason}</code>
        </p>
      )}
      {d.violations.length > 0 && (
        <ul className="violations" aria-label="Field violations">
          {d.violations.map((v, i) => (
            <li key={i}>
              {v.field !== "" && <code>{v.field}</code>} {v.description}
            </li>
          ))}
        </ul>
      )}
      {d.hint !== undefined && <p className="error-hint">{d.hint}</p>}
    </div>
  );
}
