import { ErrorStrategy, ExecutionMode, WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import { useMutation, useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router";
import { stringify } from "yaml";
import { useClients } from "../../api/context";
import { CodeEditor } from "../../code/lazy";
import { DagView } from "../../components/dag-view";
import { ErrorView } from "../../components/error-view";
import { Loading } from "../../components/states";
import { ValidationResult } from "../../components/validation-result";
import { mcpRefLabel } from "../../dag/graph";
import { messageJson } from "../../format/json";
import { describeInput } from "../../builder/input-mapping";
import { formatTime } from "../../format/time";
import { versionParam } from "../../format/version-param";
import { RunWorkflowForm } from "./run-workflow-form";
import { WorkflowVersions } from "./workflow-versions";

function describeInputSource(spec: WorkflowSpec, stepIndex: number): string {
  const step = spec.steps[stepIndex];
  if (!step) return "";
  return Object.entries(step.inputs)
    .map(([name, input]) => `${name} ${describeInput(input)}`)
    .join("; ");
}

/** One workflow: its DAG, steps, versions, Validate, and the Run form. */
export function WorkflowPage() {
  const { name = "" } = useParams();
  const [params] = useSearchParams();
  const version = versionParam(params.get("version"));
  const { workflows } = useClients();
  const query = useQuery({
    queryKey: ["workflow", name, version ?? "current"],
    queryFn: ({ signal }) =>
      workflows.getWorkflow(
        {
          workflow: { case: "name", value: name },
          selector: version === undefined ? { case: undefined } : { case: "version", value: version },
        },
        { signal },
      ),
  });
  const validate = useMutation({
    mutationFn: (v: number) =>
      workflows.validateWorkflow({
        target: { case: "workflow", value: { workflow: { case: "name", value: name }, version: v } },
      }),
  });

  if (query.isPending) return <Loading what={`workflow ${name}`} />;
  if (query.isError) {
    return (
      <>
        <h1>{name}</h1>
        <ErrorView error={query.error} title={`Could not load workflow ${name}`} />
        <p>
          <Link to="/workflows">Back to workflows</Link>
        </p>
      </>
    );
  }
  const { workflow, version: shown } = query.data;
  if (!workflow || !shown) return <ErrorView error={new Error("GetWorkflow returned no workflow")} />;
  const spec = shown.spec;
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/workflows">Workflows</Link> / {workflow.name}
      </p>
      <div className="page-head">
        <h1>{workflow.name}</h1>
        <Link
          className="button"
          to={`/workflows/${encodeURIComponent(workflow.name)}/edit?version=${shown.version}`}
        >
          Edit v{shown.version}
        </Link>
      </div>
      <dl className="facts">
        <dt>Description</dt>
        <dd>{workflow.description || "—"}</dd>
        <dt>Tags</dt>
        <dd>{workflow.tags.join(", ") || "—"}</dd>
        <dt>Showing</dt>
        <dd>
          v{shown.version}
          {shown.version === workflow.currentVersion ? " (current)" : ""}
          {shown.version === workflow.latestVersion ? " (latest)" : ""}
        </dd>
        <dt>Execution mode</dt>
        <dd>{(ExecutionMode[spec?.executionMode ?? 0] ?? "").toLowerCase() || "sequential"}</dd>
        <dt>On error</dt>
        <dd>
          {(ErrorStrategy[spec?.errorHandling?.strategy ?? 0] ?? "").toLowerCase()}
          {spec?.errorHandling?.fallbackWorkflow ? ` → ${spec.errorHandling.fallbackWorkflow}` : ""}
        </dd>
        {spec?.concurrencyKey && (
          <>
            <dt>Concurrency key</dt>
            <dd>
              <code>{spec.concurrencyKey}</code> (one run per key at a time)
            </dd>
          </>
        )}
        <dt>Written</dt>
        <dd>{formatTime(shown.createTime)}</dd>
        <dt>Runs</dt>
        <dd>
          <Link to={`/runs?workflow=${encodeURIComponent(workflow.name)}`}>Runs of {workflow.name}</Link>
        </dd>
      </dl>

      <section aria-labelledby="dag-heading">
        <h2 id="dag-heading">DAG</h2>
        <DagView spec={spec} />
        <table>
          <caption className="visually-hidden">Steps</caption>
          <thead>
            <tr>
              <th scope="col">Step</th>
              <th scope="col">MCP</th>
              <th scope="col">Depends on</th>
              <th scope="col">Inputs</th>
            </tr>
          </thead>
          <tbody>
            {spec?.steps.map((s, i) => (
              <tr key={s.stepId}>
                <td>{s.stepId}</td>
                <td>{mcpRefLabel(s.mcp)}</td>
                <td>{s.dependsOn.join(", ") || "—"}</td>
                <td className="clip">{describeInputSource(spec, i) || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>

      <section aria-labelledby="spec-heading">
        <h2 id="spec-heading">Spec</h2>
        <CodeEditor
          value={spec ? stringify(messageJson(WorkflowSpecSchema, spec)) : ""}
          language="yaml"
          label={`Spec of v${shown.version}`}
          readOnly
        />
      </section>

      <section aria-labelledby="validate-heading">
        <h2 id="validate-heading">Validate</h2>
        <p className="hint">
          Checks v{shown.version} again now: steps, references and every MCP in the registry.
        </p>
        <button type="button" onClick={() => validate.mutate(shown.version)} disabled={validate.isPending}>
          {validate.isPending ? "Validating…" : "Validate"}
        </button>
        {validate.isError && <ErrorView error={validate.error} title="ValidateWorkflow failed" />}
        {validate.isSuccess && <ValidationResult result={validate.data} />}
      </section>

      <section aria-labelledby="run-heading">
        <h2 id="run-heading">Run</h2>
        <RunWorkflowForm
          key={`${workflow.name}@${shown.version}`}
          name={workflow.name}
          version={shown.version}
          inputs={spec?.inputs ?? []}
        />
      </section>

      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        <WorkflowVersions name={workflow.name} shown={shown.version} current={workflow.currentVersion} />
      </section>
    </>
  );
}
