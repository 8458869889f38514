import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { useNavigate, useSearchParams } from "react-router";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { Field } from "../../components/field";
import { FormProblem, useFormCheck } from "../../components/form-check";
import {
  SPEC_TEMPLATE,
  buildCreateWorkflowRequest,
  type NewWorkflowForm,
} from "../../workflows/create-request";
import { SpecEditor } from "./spec-editor";
import { useLiveValidation } from "./use-live-validation";
import { useSpecDocument } from "./use-spec-document";

type Meta = Omit<NewWorkflowForm, "spec">;

const INITIAL: Meta = { name: "", description: "", tags: "", changeNote: "" };

/** What the visual builder starts from: no steps. */
const EMPTY_SPEC = "steps: []\n";

/**
 * "New workflow": name, description, tags and the spec, built in the visual builder (`?view=visual`,
 * starting empty) or typed as YAML/JSON (the manifest shape of examples/, starting from a template);
 * validated as it is edited; Create → CreateWorkflow, then the workflow's page.
 */
export function NewWorkflowPage() {
  const { workflows } = useClients();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const queryClient = useQueryClient();
  const visual = params.get("view") === "visual";
  const doc = useSpecDocument(visual ? EMPTY_SPEC : SPEC_TEMPLATE, visual ? "visual" : "yaml");
  const validation = useLiveValidation(doc.specNow);
  const [meta, setMeta] = useState<Meta>(INITIAL);
  const { problem, check } = useFormCheck();
  const set = <K extends keyof Meta>(k: K, v: Meta[K]) => setMeta((f) => ({ ...f, [k]: v }));
  const form = (): NewWorkflowForm => ({ ...meta, spec: doc.textNow });

  const create = useMutation({
    mutationFn: (f: NewWorkflowForm) => workflows.createWorkflow(buildCreateWorkflowRequest(f)),
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ["workflows"] });
      void navigate(`/workflows/${encodeURIComponent(res.workflow?.name ?? meta.name)}`);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.reset();
    const f = form();
    if (check(() => buildCreateWorkflowRequest(f))) create.mutate(f);
  };

  return (
    <>
      <h1>New workflow</h1>
      <form className="stacked wide" onSubmit={submit} noValidate>
        <Field label="Name">
          {(control) => (
            <input {...control} required value={meta.name} onChange={(e) => set("name", e.target.value)} />
          )}
        </Field>
        <Field label="Description">
          {(control) => (
            <textarea
              {...control}
              rows={2}
              value={meta.description}
              onChange={(e) => set("description", e.target.value)}
            />
          )}
        </Field>
        <Field label="Tags">
          {(control) => (
            <input {...control} value={meta.tags} onChange={(e) => set("tags", e.target.value)} />
          )}
        </Field>
        <SpecEditor
          doc={doc}
          validation={validation}
          workflowName={meta.name}
          yamlHint={
            <>
              The <code>spec:</code> of a workflow manifest (see <code>examples/*.yaml</code>), or a whole{" "}
              <code>kind: Workflow</code> document as <code>mcp apply</code> reads it.
            </>
          }
        />
        <Field label="Change note">
          {(control) => (
            <input {...control} value={meta.changeNote} onChange={(e) => set("changeNote", e.target.value)} />
          )}
        </Field>
        <FormProblem problem={problem} />
        {create.isError && <ErrorView error={create.error} title="CreateWorkflow failed" />}
        <div className="actions">
          <button type="button" onClick={validation.validateNow} disabled={validation.query.isFetching}>
            {validation.query.isFetching ? "Validating…" : "Validate"}
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create workflow"}
          </button>
        </div>
      </form>
    </>
  );
}
