import { ErrorStrategy, ExecutionMode, type Violation, type WorkflowSpec } from "@mcp/proto/workflows";
import { useId } from "react";
import { addWorkflowInput, addWorkflowOutput, editSpec } from "../../../builder/spec-edits";

interface Props {
  readonly spec: WorkflowSpec;
  /** Violations not about one step (inputs, outputs, the spec as a whole). */
  readonly problems: readonly Violation[];
  readonly onChange: (spec: WorkflowSpec) => void;
}

/**
 * The side panel when no step is selected: how steps are scheduled, the workflow's failure strategy,
 * its declared inputs (name, description, required) and its outputs (a step's output each).
 */
export function WorkflowPanel({ spec, problems, onChange }: Props) {
  const id = useId();
  const edit = (change: (d: WorkflowSpec) => void) => onChange(editSpec(spec, change));
  const problemsAt = (prefix: string) =>
    problems.filter((v) => v.field === prefix || v.field.startsWith(`${prefix}.`)).map((v) => v.description);
  return (
    <div className="workflow-panel">
      <h2>Workflow</h2>
      <p className="hint">Select a step to edit it; press Delete to remove the selected step or edge.</p>
      <div className="field">
        <label htmlFor={`${id}-mode`}>Execution mode</label>
        <select
          id={`${id}-mode`}
          value={spec.executionMode === ExecutionMode.PARALLEL ? "parallel" : "sequential"}
          onChange={(e) =>
            edit((d) => {
              d.executionMode =
                e.target.value === "parallel" ? ExecutionMode.PARALLEL : ExecutionMode.SEQUENTIAL;
            })
          }
        >
          <option value="sequential">sequential</option>
          <option value="parallel">parallel</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-strategy`}>When a step fails</label>
        <select
          id={`${id}-strategy`}
          value={String(spec.errorHandling?.strategy ?? ErrorStrategy.UNSPECIFIED)}
          onChange={(e) =>
            edit((d) => {
              d.errorHandling = {
                ...(d.errorHandling ?? { $typeName: "mcp.workflows.v1.ErrorHandling", fallbackWorkflow: "" }),
                strategy: Number(e.target.value) as ErrorStrategy,
              };
            })
          }
        >
          <option value={String(ErrorStrategy.UNSPECIFIED)}>stop (default)</option>
          <option value={String(ErrorStrategy.CONTINUE)}>continue with other steps</option>
          <option value={String(ErrorStrategy.RETRY)}>retry</option>
          <option value={String(ErrorStrategy.FALLBACK)}>run a fallback workflow</option>
        </select>
      </div>
      {spec.errorHandling?.strategy === ErrorStrategy.FALLBACK && (
        <div className="field">
          <label htmlFor={`${id}-fallback`}>Fallback workflow</label>
          <input
            id={`${id}-fallback`}
            value={spec.errorHandling.fallbackWorkflow}
            onChange={(e) =>
              edit((d) => {
                if (d.errorHandling) d.errorHandling.fallbackWorkflow = e.target.value;
              })
            }
          />
        </div>
      )}

      <section aria-labelledby={`${id}-inputs`}>
        <h3 id={`${id}-inputs`}>Workflow inputs</h3>
        {spec.inputs.length === 0 && <p className="hint">None declared: a run takes no inputs.</p>}
        {spec.inputs.map((input, i) => {
          const bad = problemsAt(`spec.inputs[${i}]`);
          return (
            <fieldset key={i} className={`mapping${bad.length ? " invalid" : ""}`}>
              <legend>Input {i + 1}</legend>
              <div className="field">
                <label htmlFor={`${id}-in-${i}-name`}>Name of input {i + 1}</label>
                <input
                  id={`${id}-in-${i}-name`}
                  value={input.name}
                  aria-invalid={bad.length > 0 || undefined}
                  aria-describedby={bad.length > 0 ? `${id}-in-${i}-problems` : undefined}
                  onChange={(e) =>
                    edit((d) => {
                      const it = d.inputs[i];
                      if (it) it.name = e.target.value;
                    })
                  }
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-in-${i}-desc`}>Description of input {i + 1}</label>
                <input
                  id={`${id}-in-${i}-desc`}
                  value={input.description}
                  onChange={(e) =>
                    edit((d) => {
                      const it = d.inputs[i];
                      if (it) it.description = e.target.value;
                    })
                  }
                />
              </div>
              <label className="check">
                <input
                  type="checkbox"
                  checked={input.required}
                  onChange={(e) =>
                    edit((d) => {
                      const it = d.inputs[i];
                      if (it) it.required = e.target.checked;
                    })
                  }
                />{" "}
                Input {i + 1} is required
              </label>
              {bad.length > 0 && (
                <ul id={`${id}-in-${i}-problems`} className="field-error">
                  {bad.map((p, j) => (
                    <li key={j}>{p}</li>
                  ))}
                </ul>
              )}
              <button type="button" onClick={() => edit((d) => void d.inputs.splice(i, 1))}>
                Remove input {input.name || i + 1}
              </button>
            </fieldset>
          );
        })}
        <button type="button" onClick={() => onChange(addWorkflowInput(spec))}>
          Add workflow input
        </button>
      </section>

      <section aria-labelledby={`${id}-outputs`}>
        <h3 id={`${id}-outputs`}>Workflow outputs</h3>
        {spec.outputs.length === 0 && <p className="hint">None: a run returns no outputs.</p>}
        {spec.outputs.map((output, i) => {
          const bad = problemsAt(`spec.outputs[${i}]`);
          return (
            <fieldset key={i} className={`mapping${bad.length ? " invalid" : ""}`}>
              <legend>Output {i + 1}</legend>
              <div className="field">
                <label htmlFor={`${id}-out-${i}-name`}>Name of output {i + 1}</label>
                <input
                  id={`${id}-out-${i}-name`}
                  value={output.name}
                  onChange={(e) =>
                    edit((d) => {
                      const it = d.outputs[i];
                      if (it) it.name = e.target.value;
                    })
                  }
                />
              </div>
              <div className="field">
                <label htmlFor={`${id}-out-${i}-step`}>Step of output {i + 1}</label>
                <select
                  id={`${id}-out-${i}-step`}
                  value={output.stepId}
                  onChange={(e) =>
                    edit((d) => {
                      const it = d.outputs[i];
                      if (it) it.stepId = e.target.value;
                    })
                  }
                >
                  {spec.steps.map((s) => (
                    <option key={s.stepId} value={s.stepId}>
                      {s.stepId}
                    </option>
                  ))}
                </select>
              </div>
              <div className="field">
                <label htmlFor={`${id}-out-${i}-out`}>Step output of output {i + 1}</label>
                <input
                  id={`${id}-out-${i}-out`}
                  value={output.output}
                  placeholder="(the whole result)"
                  onChange={(e) =>
                    edit((d) => {
                      const it = d.outputs[i];
                      if (it) it.output = e.target.value;
                    })
                  }
                />
              </div>
              {bad.length > 0 && (
                <ul className="field-error">
                  {bad.map((p, j) => (
                    <li key={j}>{p}</li>
                  ))}
                </ul>
              )}
              <button type="button" onClick={() => edit((d) => void d.outputs.splice(i, 1))}>
                Remove output {output.name || i + 1}
              </button>
            </fieldset>
          );
        })}
        {spec.steps.length > 0 && (
          <button
            type="button"
            onClick={() => onChange(addWorkflowOutput(spec, spec.steps.at(-1)?.stepId ?? ""))}
          >
            Add workflow output
          </button>
        )}
      </section>
    </div>
  );
}
