import { ErrorStrategy, type Step, type StepInput, type WorkflowSpec } from "@mcp/proto/workflows";
import { useQuery } from "@tanstack/react-query";
import { useId, useState, type ReactNode } from "react";
import { useClients } from "../../../api/context";
import { canConnect, renameStep, updateStep, upstreamOf } from "../../../builder/spec-edits";
import { problemsOf, type PlacedViolations, type StepPart } from "../../../builder/violations";
import { InputMappingForm } from "./input-mapping-form";
import type { StepDeclaration } from "./use-step-declarations";

interface Props {
  readonly spec: WorkflowSpec;
  readonly step: Step;
  readonly declarations: ReadonlyMap<string, StepDeclaration>;
  readonly violations: PlacedViolations;
  readonly onChange: (spec: WorkflowSpec) => void;
  /** The step was renamed: select it under its new id. */
  readonly onRenamed: (stepId: string) => void;
  readonly onRemove: () => void;
}

const STRATEGIES: [string, string][] = [
  ["", "the workflow's (default)"],
  [String(ErrorStrategy.STOP), "stop the run"],
  [String(ErrorStrategy.CONTINUE), "continue with other steps"],
  [String(ErrorStrategy.RETRY), "retry"],
  [String(ErrorStrategy.FALLBACK), "run the fallback workflow"],
];

/** ValidateWorkflow's problems under a control; `id` is what the control's aria-describedby names. */
function Problems({ id, problems }: { id: string; problems: readonly string[] }) {
  if (problems.length === 0) return null;
  return (
    <ul id={id} className="field-error">
      {problems.map((p, i) => (
        <li key={i}>{p}</li>
      ))}
    </ul>
  );
}

/** A number field that writes the spec when its text is a whole number in range, and unsets it when empty. */
function NumberField({
  label,
  value,
  min,
  max,
  problems,
  onValue,
}: {
  label: string;
  value: number | undefined;
  min: number;
  max: number;
  problems?: readonly string[];
  onValue: (value: number | undefined) => void;
}) {
  const id = useId();
  const [text, setText] = useState(value === undefined ? "" : String(value));
  const [seen, setSeen] = useState(value);
  if (seen !== value) {
    // the spec changed elsewhere: show its value, unless the text already says it ("1.0" stays)
    setSeen(value);
    if (!(text !== "" && Number(text) === value)) setText(value === undefined ? "" : String(value));
  }
  const n = Number(text);
  const bad = text !== "" && (!Number.isInteger(n) || n < min || n > max);
  const messages = [...(bad ? [`a whole number from ${min} to ${max}`] : []), ...(problems ?? [])];
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="number"
        min={min}
        max={max}
        step={1}
        value={text}
        aria-invalid={messages.length > 0 || undefined}
        aria-describedby={messages.length > 0 ? `${id}-problems` : undefined}
        onChange={(e) => {
          const t = e.target.value;
          setText(t);
          const v = Number(t);
          if (t === "") onValue(undefined);
          else if (Number.isInteger(v) && v >= min && v <= max) onValue(v);
        }}
      />
      <Problems id={`${id}-problems`} problems={messages} />
    </div>
  );
}

/**
 * The side panel of the selected step: its id, what it calls (version or label), its dependencies,
 * its inputs (InputMappingForm), its condition, its failure strategy (on failure, retries, timeout)
 * and its for_each; each control with ValidateWorkflow's problems about it.
 */
export function StepPanel({ spec, step, declarations, violations, onChange, onRenamed, onRemove }: Props) {
  const id = useId();
  const stepId = step.stepId;
  const set = (change: (s: Step) => void) => onChange(updateStep(spec, stepId, change));
  const problems = (kind: StepPart["kind"], input?: string) => problemsOf(violations, stepId, kind, input);
  const declaration = declarations.get(stepId);
  const upstream = upstreamOf(spec, stepId);
  const upstreamOutputs = new Map([...upstream].map((s) => [s, declarations.get(s)?.outputs ?? []]));
  // (the panel is keyed by the step id: a renamed step gets a new panel)
  const [idText, setIdText] = useState(stepId);
  const commitId = () => {
    const next = idText.trim();
    if (next === stepId || next === "") return setIdText(stepId);
    if (spec.steps.some((s) => s.stepId === next)) return; // taken: the hint says so
    onChange(renameStep(spec, stepId, next));
    onRenamed(next);
  };
  const idTaken = idText.trim() !== stepId && spec.steps.some((s) => s.stepId === idText.trim());
  const idProblems = [...(idTaken ? [`another step is called ${idText.trim()}`] : []), ...problems("id")];

  const section = (title: string, children: ReactNode) => (
    <section aria-labelledby={`${id}-${title}`}>
      <h3 id={`${id}-${title}`}>{title}</h3>
      {children}
    </section>
  );

  return (
    <div className="step-panel" data-step={stepId}>
      <h2>Step {stepId}</h2>
      <div className="field">
        <label htmlFor={`${id}-id`}>Step id</label>
        <input
          id={`${id}-id`}
          value={idText}
          aria-invalid={idProblems.length > 0 || undefined}
          aria-describedby={idProblems.length > 0 ? `${id}-id-problems` : undefined}
          onChange={(e) => setIdText(e.target.value)}
          onBlur={commitId}
          onKeyDown={(e) => {
            if (e.key === "Enter") {
              e.preventDefault();
              commitId();
            }
          }}
        />
        <Problems id={`${id}-id-problems`} problems={idProblems} />
      </div>

      <TargetFields step={step} resolved={declaration?.resolved} problems={problems("target")} onStep={set} />

      {section(
        "Depends on",
        <>
          {spec.steps.length === 1 && <p className="hint">No other step yet.</p>}
          <ul className="checks">
            {spec.steps
              .filter((s) => s.stepId !== stepId)
              .map((s) => {
                const checked = step.dependsOn.includes(s.stepId);
                return (
                  <li key={s.stepId}>
                    <label>
                      <input
                        type="checkbox"
                        checked={checked}
                        disabled={!checked && !canConnect(spec, s.stepId, stepId)}
                        onChange={(e) =>
                          set((st) => {
                            st.dependsOn = e.target.checked
                              ? [...st.dependsOn, s.stepId]
                              : st.dependsOn.filter((d) => d !== s.stepId);
                          })
                        }
                      />{" "}
                      {s.stepId}
                    </label>
                  </li>
                );
              })}
          </ul>
          <Problems id={`${id}-deps-problems`} problems={problems("dependsOn")} />
        </>,
      )}

      {step.mcp || step.workflow ? (
        <InputMappingForm
          step={step}
          declared={declaration?.inputs ?? []}
          declaredFrom={declaration?.inputsFrom}
          choices={{ workflowInputs: spec.inputs.map((i) => i.name), upstream: upstreamOutputs }}
          problems={(name) => (name === "" ? problems("inputs") : problems("input", name))}
          onChange={(name: string, input: StepInput | undefined) =>
            set((s) => {
              if (input === undefined) delete s.inputs[name];
              else s.inputs[name] = input;
            })
          }
        />
      ) : (
        <p className="hint">A sleep, signal or approval step: edit what it waits for in the YAML view.</p>
      )}

      {section(
        "Condition",
        <>
          <div className="field">
            <label htmlFor={`${id}-when`}>Run when (CEL)</label>
            <input
              id={`${id}-when`}
              value={step.when}
              placeholder="always"
              aria-invalid={problems("when").length > 0 || undefined}
              aria-describedby={`${id}-when-hint${problems("when").length > 0 ? ` ${id}-when-problems` : ""}`}
              onChange={(e) => set((s) => (s.when = e.target.value))}
            />
            <p id={`${id}-when-hint`} className="hint">
              A bool over <code>inputs.&lt;name&gt;</code> and <code>steps.&lt;id&gt;.outputs</code> of
              upstream steps, e.g. <code>inputs.lang != &quot;en&quot;</code>.
            </p>
            <Problems id={`${id}-when-problems`} problems={problems("when")} />
          </div>
          <label className="check">
            <input
              type="checkbox"
              checked={step.runIfSkipped}
              onChange={(e) => set((s) => (s.runIfSkipped = e.target.checked))}
            />{" "}
            Run even when a dependency was skipped by its condition
          </label>
        </>,
      )}

      {section(
        "On failure",
        <>
          <div className="field">
            <label htmlFor={`${id}-on-error`}>Strategy</label>
            <select
              id={`${id}-on-error`}
              value={step.onError === undefined ? "" : String(step.onError)}
              onChange={(e) =>
                set((s) => {
                  s.onError = e.target.value === "" ? undefined : Number(e.target.value);
                })
              }
            >
              {STRATEGIES.map(([value, text]) => (
                <option key={value} value={value}>
                  {text}
                </option>
              ))}
            </select>
          </div>
          <NumberField
            label="Retries"
            value={step.retry?.maxRetries}
            min={0}
            max={10}
            onValue={(v) =>
              set((s) => {
                if (v === undefined && s.retry) s.retry.maxRetries = undefined;
                else if (v !== undefined)
                  s.retry = { ...(s.retry ?? { $typeName: "mcp.workflows.v1.RetryPolicy" }), maxRetries: v };
              })
            }
          />
          <NumberField
            label="Timeout (seconds)"
            value={step.timeoutSeconds}
            min={1}
            max={86400}
            onValue={(v) => set((s) => (s.timeoutSeconds = v))}
          />
          <Problems id={`${id}-strategy-problems`} problems={problems("strategy")} />
        </>,
      )}

      {(step.mcp || step.workflow) &&
        section(
          "For each",
          <ForEachFields
            spec={spec}
            step={step}
            upstream={upstreamOutputs}
            problems={problems("forEach")}
            onStep={set}
          />,
        )}

      <Problems id={`${id}-other-problems`} problems={problems("other")} />
      <div className="actions">
        <button type="button" className="danger" onClick={onRemove}>
          Remove step {stepId}
        </button>
      </div>
    </div>
  );
}

/** What the step calls and at which version: `latest`, a label, or a number. */
function TargetFields({
  step,
  resolved,
  problems,
  onStep,
}: {
  step: Step;
  resolved: string | undefined;
  problems: readonly string[];
  onStep: (change: (s: Step) => void) => void;
}) {
  const id = useId();
  const { registry } = useClients();
  const mcpName = step.mcp?.mcp.case === "name" ? step.mcp.mcp.value : undefined;
  const mcp = useQuery({
    queryKey: ["mcp", mcpName, "builder"],
    enabled: mcpName !== undefined,
    queryFn: ({ signal }) => registry.getMcp({ mcp: { case: "name", value: mcpName ?? "" } }, { signal }),
  });
  const described = problems.length > 0 ? `${id}-problems` : undefined;
  if (step.workflow) {
    const version = step.workflow.version;
    return (
      <div className="field">
        <label htmlFor={`${id}-wv`}>Version of workflow {String(step.workflow.workflow.value)}</label>
        <input
          id={`${id}-wv`}
          type="number"
          min={1}
          placeholder="current"
          value={version ?? ""}
          aria-invalid={problems.length > 0 || undefined}
          aria-describedby={described}
          onChange={(e) =>
            onStep((s) => {
              if (s.workflow) s.workflow.version = e.target.value === "" ? undefined : Number(e.target.value);
            })
          }
        />
        <Problems id={`${id}-problems`} problems={problems} />
      </div>
    );
  }
  if (!step.mcp) return null;
  const selector = step.mcp.selector;
  const value =
    selector.case === "label"
      ? `label:${selector.value}`
      : selector.case === "version"
        ? `version:${selector.value}`
        : "";
  const labels = Object.entries(mcp.data?.mcp?.labels ?? {}).filter(([l]) => l !== "latest");
  const latest = mcp.data?.mcp?.latestVersion ?? 0;
  const versions = Array.from({ length: latest }, (_, i) => latest - i);
  return (
    <div className="field">
      <label htmlFor={`${id}-sel`}>Version of MCP {mcpName ?? String(step.mcp.mcp.value)}</label>
      <select
        id={`${id}-sel`}
        value={value}
        aria-invalid={problems.length > 0 || undefined}
        aria-describedby={described}
        onChange={(e) =>
          onStep((s) => {
            if (!s.mcp) return;
            const [kind, v = ""] = e.target.value.split(/:(.*)/);
            s.mcp.selector =
              kind === "label"
                ? { case: "label", value: v }
                : kind === "version"
                  ? { case: "version", value: Number(v) }
                  : { case: undefined };
          })
        }
      >
        <option value="">latest{latest ? ` (v${latest})` : ""}</option>
        {labels.map(([label, v]) => (
          <option key={label} value={`label:${label}`}>
            {label} (v{v})
          </option>
        ))}
        {versions.map((v) => (
          <option key={v} value={`version:${v}`}>
            v{v} pinned
          </option>
        ))}
        {value !== "" &&
          !labels.some(([l]) => `label:${l}` === value) &&
          !versions.some((v) => `version:${v}` === value) && (
            <option value={value}>{value.replace(":", " ")}</option>
          )}
      </select>
      {resolved && <p className="hint">Resolves to {resolved} now.</p>}
      <Problems id={`${id}-problems`} problems={problems} />
    </div>
  );
}

/** The list a step iterates over: a workflow input or an upstream output, a path into it, and how many at once. */
function ForEachFields({
  spec,
  step,
  upstream,
  problems,
  onStep,
}: {
  spec: WorkflowSpec;
  step: Step;
  upstream: ReadonlyMap<string, readonly string[]>;
  problems: readonly string[];
  onStep: (change: (s: Step) => void) => void;
}) {
  const id = useId();
  const source = step.forEach?.source;
  const value =
    source?.case === "workflowInput"
      ? `input:${source.value}`
      : source?.case === "stepOutput"
        ? `step:${source.value.stepId}`
        : "";
  const choices = [
    ...spec.inputs.map((i) => [`input:${i.name}`, `workflow input ${i.name}`]),
    ...[...upstream.keys()].map((s) => [`step:${s}`, `output of step ${s}`]),
  ];
  if (value !== "" && !choices.some(([v]) => v === value)) choices.push([value, value.replace(":", " ")]);
  return (
    <>
      <div className="field">
        <label htmlFor={`${id}-src`}>Run once per item of</label>
        <select
          id={`${id}-src`}
          value={value}
          aria-invalid={problems.length > 0 || undefined}
          aria-describedby={problems.length > 0 ? `${id}-problems` : undefined}
          onChange={(e) =>
            onStep((s) => {
              const [kind, v = ""] = e.target.value.split(/:(.*)/);
              if (kind === "") {
                s.forEach = undefined;
                return;
              }
              const base = s.forEach ?? {
                $typeName: "mcp.workflows.v1.ForEach" as const,
                path: "",
                source: { case: undefined },
              };
              s.forEach = {
                ...base,
                source:
                  kind === "input"
                    ? { case: "workflowInput", value: v }
                    : {
                        case: "stepOutput",
                        value: { $typeName: "mcp.workflows.v1.StepOutputRef", stepId: v, output: "" },
                      },
              };
            })
          }
        >
          <option value="">(no for_each: run once)</option>
          {choices.map(([v, text]) => (
            <option key={v} value={v}>
              {text}
            </option>
          ))}
        </select>
      </div>
      {step.forEach && (
        <>
          {source?.case === "stepOutput" && (
            <div className="field">
              <label htmlFor={`${id}-out`}>Output holding the list</label>
              <input
                id={`${id}-out`}
                value={source.value.output}
                placeholder="(the whole result)"
                onChange={(e) =>
                  onStep((s) => {
                    if (s.forEach?.source.case === "stepOutput")
                      s.forEach.source.value.output = e.target.value;
                  })
                }
              />
            </div>
          )}
          <div className="field">
            <label htmlFor={`${id}-path`}>Path to the list</label>
            <input
              id={`${id}-path`}
              value={step.forEach.path}
              placeholder="(the value itself)"
              onChange={(e) =>
                onStep((s) => {
                  if (s.forEach) s.forEach.path = e.target.value;
                })
              }
            />
          </div>
          <NumberField
            label="Items at once"
            value={step.forEach.maxConcurrency}
            min={1}
            max={64}
            onValue={(v) =>
              onStep((s) => {
                if (s.forEach) s.forEach.maxConcurrency = v;
              })
            }
          />
        </>
      )}
      <Problems id={`${id}-problems`} problems={problems} />
    </>
  );
}
