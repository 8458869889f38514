import type { Workflow, WorkflowVersion } from "@mcp/proto/workflows";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { Field } from "../../components/field";
import { FormProblem, useFormCheck } from "../../components/form-check";
import { Loading } from "../../components/states";
import { specToYaml } from "../../builder/spec-text";
import { emptySpec } from "../../builder/spec-edits";
import { versionParam } from "../../format/version-param";
import { buildUpdateWorkflowRequest, type EditWorkflowForm } from "../../workflows/update-request";
import { SpecEditor } from "./spec-editor";
import { useLiveValidation } from "./use-live-validation";
import { useSpecDocument, type SpecView } from "./use-spec-document";

/**
 * "Edit workflow": a version's spec (`?version=`, else the current one) in the visual builder (or
 * `?view=yaml`); Save → UpdateWorkflow writes a new version against the etag the page loaded.
 */
export function EditWorkflowPage() {
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
  if (query.isPending) return <Loading what={`workflow ${name}`} />;
  if (query.isError || !query.data.workflow || !query.data.version)
    return (
      <>
        <h1>Edit {name}</h1>
        <ErrorView
          error={query.error ?? new Error("GetWorkflow returned no workflow")}
          title={`Could not load workflow ${name}`}
        />
      </>
    );
  return (
    <EditWorkflowForm
      workflow={query.data.workflow}
      shown={query.data.version}
      view={params.get("view") === "yaml" ? "yaml" : "visual"}
    />
  );
}

function EditWorkflowForm({
  workflow,
  shown,
  view,
}: {
  workflow: Workflow;
  shown: WorkflowVersion;
  view: SpecView;
}) {
  const { workflows } = useClients();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const doc = useSpecDocument(specToYaml(shown.spec ?? emptySpec()), view);
  const validation = useLiveValidation(doc.specNow);
  const [changeNote, setChangeNote] = useState("");
  const { problem, check } = useFormCheck();
  const form = (): EditWorkflowForm => ({
    name: workflow.name,
    etag: workflow.etag,
    spec: doc.textNow,
    changeNote,
  });
  const save = useMutation({
    mutationFn: (f: EditWorkflowForm) => workflows.updateWorkflow(buildUpdateWorkflowRequest(f)),
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ["workflow", workflow.name] });
      await queryClient.invalidateQueries({ queryKey: ["workflows"] });
      if (res.versionCreated)
        void navigate(
          `/workflows/${encodeURIComponent(workflow.name)}?version=${res.version?.version ?? ""}`,
        );
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.reset();
    const f = form();
    if (check(() => buildUpdateWorkflowRequest(f))) save.mutate(f);
  };
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/workflows">Workflows</Link> /{" "}
        <Link to={`/workflows/${encodeURIComponent(workflow.name)}`}>{workflow.name}</Link> / edit
      </p>
      <h1>Edit {workflow.name}</h1>
      <p className="hint">
        Starting from v{shown.version}. Saving writes v{workflow.latestVersion + 1} (the spec only; the
        description and tags stay).
      </p>
      <form className="stacked wide" onSubmit={submit} noValidate>
        <SpecEditor doc={doc} validation={validation} workflowName={workflow.name} />
        <Field label="Change note">
          {(control) => (
            <input {...control} value={changeNote} onChange={(e) => setChangeNote(e.target.value)} />
          )}
        </Field>
        <FormProblem problem={problem} />
        {save.isError && <ErrorView error={save.error} title="UpdateWorkflow failed" />}
        {save.isSuccess && !save.data.versionCreated && (
          <p role="status" className="notice warn">
            No new version: the spec is the same as v{save.data.version?.version}.
          </p>
        )}
        <div className="actions">
          <button type="submit" className="primary" disabled={save.isPending}>
            {save.isPending ? "Saving…" : "Save new version"}
          </button>
        </div>
      </form>
    </>
  );
}
