import type { ValidateWorkflowResponse } from "@mcp/proto/workflows";

/**
 * ValidateWorkflow's answer: "valid", or every violation with its field and code; resolved steps too.
 * `live`: the answer follows edits as they are made, so problems are a polite status, not an alert.
 */
export function ValidationResult({
  result,
  live = false,
}: {
  result: ValidateWorkflowResponse;
  live?: boolean;
}) {
  return (
    <div className="validation" aria-live="polite">
      {result.valid ? (
        <p role="status" className="notice ok">
          Valid: no problems found.
        </p>
      ) : (
        <div role={live ? "status" : "alert"} className="notice bad">
          <p>
            {result.violations.length} problem{result.violations.length === 1 ? "" : "s"} found:
          </p>
          <table>
            <caption className="visually-hidden">Validation problems</caption>
            <thead>
              <tr>
                <th scope="col">Field</th>
                <th scope="col">Code</th>
                <th scope="col">Problem</th>
              </tr>
            </thead>
            <tbody>
              {result.violations.map((v, i) => (
                <tr key={i}>
                  <td>
                    <code>{v.field || "(spec)"}</code>
                  </td>
                  <td>
                    <code>{v.code}</code>
                  </td>
                  <td>{v.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {result.resolvedSteps.length > 0 && (
        <table className="compact">
          <caption>Steps resolve to</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">MCP version</th>
            </tr>
          </thead>
          <tbody>
            {result.resolvedSteps.map((s) => (
              <tr key={s.stepId}>
                <td>{s.stepId}</td>
                <td>
                  {s.mcpName} v{s.mcpVersion}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
