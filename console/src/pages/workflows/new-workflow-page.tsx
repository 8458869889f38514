import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useDeferredValue, useMemo, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useClients } from "../../api/context";
import { CodeField } from "../../components/code-field";
import { DagView } from "../../components/dag-view";
import { ErrorView } from "../../components/error-view";
import { Field } from "../../components/field";
import { FormProblem, useFormCheck } from "../../components/form-check";
import { ValidationResult } from "../../components/validation-result";
import {
  SPEC_TEMPLATE,
  buildCreateWorkflowRequest,
  parseWorkflowSpec,
  type NewWorkflowForm,
} from "../../workflows/create-request";

const INITIAL: NewWorkflowForm = { name: "", description: "", tags: "", spec: SPEC_TEMPLATE, changeNote: "" };

function tryParse(text: string) {
  try {
    return parseWorkflowSpec(text);
  } catch {
    return undefined;
  }
}

/** "New workflow": name and spec as YAML/JSON (the manifest shape of examples/); Validate, then CreateWorkflow. */
export function NewWorkflowPage() {
  const { workflows } = useClients();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [form, setForm] = useState<NewWorkflowForm>(INITIAL);
  const { problem, check } = useFormCheck();
  const set = <K extends keyof NewWorkflowForm>(k: K, v: NewWorkflowForm[K]) =>
    setForm((f) => ({ ...f, [k]: v }));
  const deferredSpec = useDeferredValue(form.spec);
  const preview = useMemo(() => tryParse(deferredSpec), [deferredSpec]);

  const validate = useMutation({
    mutationFn: (text: string) =>
      workflows.validateWorkflow({ target: { case: "spec", value: parseWorkflowSpec(text) } }),
  });
  const create = useMutation({
    mutationFn: (f: NewWorkflowForm) => workflows.createWorkflow(buildCreateWorkflowRequest(f)),
    onSuccess: async (res) => {
      await queryClient.invalidateQueries({ queryKey: ["workflows"] });
      void navigate(`/workflows/${encodeURIComponent(res.workflow?.name ?? form.name)}`);
    },
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.reset();
    if (check(() => buildCreateWorkflowRequest(form))) create.mutate(form);
  };
  const runValidate = () => {
    validate.reset();
    if (check(() => parseWorkflowSpec(form.spec))) validate.mutate(form.spec);
  };

  return (
    <>
      <h1>New workflow</h1>
      <form className="stacked" onSubmit={submit} noValidate>
        <Field label="Name">
          {(control) => (
            <input {...control} required value={form.name} onChange={(e) => set("name", e.target.value)} />
          )}
        </Field>
        <Field label="Description">
          {(control) => (
            <textarea
              {...control}
              rows={2}
              value={form.description}
              onChange={(e) => set("description", e.target.value)}
            />
          )}
        </Field>
        <Field label="Tags">
          {(control) => (
            <input {...control} value={form.tags} onChange={(e) => set("tags", e.target.value)} />
          )}
        </Field>
        <CodeField
          label="Spec (YAML or JSON)"
          rows={20}
          value={form.spec}
          onChange={(v) => set("spec", v)}
          hint={
            <>
              The <code>spec:</code> of a workflow manifest (see <code>examples/*.yaml</code>), or a whole{" "}
              <code>kind: Workflow</code> document as <code>mcp apply</code> reads it.
            </>
          }
        />
        <Field label="Change note">
          {(control) => (
            <input {...control} value={form.changeNote} onChange={(e) => set("changeNote", e.target.value)} />
          )}
        </Field>
        <FormProblem problem={problem} />
        {validate.isError && <ErrorView error={validate.error} title="ValidateWorkflow failed" />}
        {validate.isSuccess && <ValidationResult result={validate.data} />}
        {create.isError && <ErrorView error={create.error} title="CreateWorkflow failed" />}
        <div className="actions">
          <button type="button" onClick={runValidate} disabled={validate.isPending}>
            {validate.isPending ? "Validating…" : "Validate"}
          </button>
          <button type="submit" className="primary" disabled={create.isPending}>
            {create.isPending ? "Creating…" : "Create workflow"}
          </button>
        </div>
      </form>
      <section aria-labelledby="preview-heading">
        <h2 id="preview-heading">Preview</h2>
        {preview ? <DagView spec={preview} /> : <p className="hint">The spec does not parse yet.</p>}
      </section>
    </>
  );
}
