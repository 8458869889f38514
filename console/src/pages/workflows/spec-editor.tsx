import { lazy, Suspense, type ReactNode } from "react";
import { CodeField } from "../../components/code-field";
import { DagView } from "../../components/dag-view";
import { ErrorView } from "../../components/error-view";
import { Loading } from "../../components/states";
import { ValidationResult } from "../../components/validation-result";
import type { SpecDocument, SpecView } from "./use-spec-document";
import type { useLiveValidation } from "./use-live-validation";

// React Flow and the builder load on first use, in their own chunks: the first page stays small
// (the build's size check, console/scripts/check-bundle.mjs)
const WorkflowBuilder = lazy(() => import("./builder/workflow-builder"));

const VIEWS: [SpecView, string][] = [
  ["visual", "Visual builder"],
  ["yaml", "YAML"],
];

/**
 * A workflow spec in two views over the same spec — the visual builder and the YAML text with its DAG
 * preview — with a switch between them, and ValidateWorkflow's live answer below.
 */
export function SpecEditor({
  doc,
  validation,
  workflowName,
  yamlHint,
}: {
  doc: SpecDocument;
  validation: ReturnType<typeof useLiveValidation>;
  workflowName?: string | undefined;
  yamlHint?: ReactNode;
}) {
  const { query } = validation;
  return (
    <section className="spec-editor" aria-label="Spec">
      <div className="view-switch" role="group" aria-label="View">
        {VIEWS.map(([view, label]) => (
          <button
            key={view}
            type="button"
            aria-pressed={doc.view === view}
            className={doc.view === view ? "primary" : undefined}
            onClick={() => doc.switchTo(view)}
          >
            {label}
          </button>
        ))}
      </div>
      {doc.switchError && (
        <ErrorView
          error={new Error(doc.switchError)}
          title="The YAML does not parse: fix it to switch views"
        />
      )}
      {doc.view === "yaml" ? (
        <>
          <CodeField
            label="Spec (YAML or JSON)"
            rows={20}
            value={doc.text}
            onChange={doc.setText}
            hint={yamlHint}
          />
          <section aria-labelledby="preview-heading">
            <h2 id="preview-heading">Preview</h2>
            {doc.specNow ? (
              <DagView spec={doc.specNow} />
            ) : (
              <p className="hint">The spec does not parse yet.</p>
            )}
          </section>
        </>
      ) : (
        doc.spec && (
          <Suspense fallback={<Loading what="the visual builder" />}>
            <WorkflowBuilder
              spec={doc.spec}
              onChange={doc.setSpec}
              positions={doc.positions}
              onPositions={doc.setPositions}
              validation={query.data}
              {...(workflowName ? { workflowName } : {})}
            />
          </Suspense>
        )
      )}
      <div className="live-validation" data-testid="live-validation" data-current={validation.current}>
        <h2>Problems</h2>
        {query.isError && <ErrorView error={query.error} title="ValidateWorkflow failed" />}
        {query.data ? (
          <ValidationResult result={query.data.result} live />
        ) : (
          <p className="hint">{doc.specNow ? "Validating…" : "Validated once the spec parses."}</p>
        )}
      </div>
    </section>
  );
}
