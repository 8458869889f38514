import type { McpReference } from "@mcp/proto/registry";
import type { WorkflowReference, WorkflowSpec } from "@mcp/proto/workflows";
import { useQueries } from "@tanstack/react-query";
import { useClients } from "../../../api/context";
import { mcpRefLabel } from "../../../dag/graph";
import { fieldsFromJsonSchema, type InputField } from "../../../forms/fields-from-schema";
import { declaredInputs } from "../../../mcps/input-fields";
import { workflowInputFields } from "../../../workflows/input-fields";

/** What a step's MCP version (or sub-workflow version) declares, as the builder's panel uses it. */
export interface StepDeclaration {
  readonly inputs: readonly InputField[];
  /** Where the inputs were declared, for people; undefined when nothing declares them. */
  readonly inputsFrom: string | undefined;
  /** Output names it is known to produce (its output schema's properties, a workflow's outputs). */
  readonly outputs: readonly string[];
  /** `v3`: the version the reference resolves to now. */
  readonly resolved: string;
}

type Target =
  { kind: "mcp"; key: string; ref: McpReference } | { kind: "workflow"; key: string; ref: WorkflowReference };

function targetsOf(spec: WorkflowSpec): Map<string, Target> {
  const targets = new Map<string, Target>();
  for (const step of spec.steps) {
    if (step.mcp) targets.set(step.stepId, { kind: "mcp", key: mcpRefLabel(step.mcp), ref: step.mcp });
    else if (step.workflow) {
      const w = step.workflow;
      const key = `${String(w.workflow.value)}@${w.version ?? "current"}`;
      targets.set(step.stepId, { kind: "workflow", key, ref: w });
    }
  }
  return targets;
}

/**
 * The declaration of each step's MCP version (GetMcp at the step's version or label: its inputs from
 * the input schema, template, notebook parameters or tool schema, as "Try it" reads them) or
 * sub-workflow version (GetWorkflow: its declared inputs and outputs). One request per distinct
 * reference, cached; a step whose reference does not resolve is absent (validation says why).
 */
export function useStepDeclarations(spec: WorkflowSpec): ReadonlyMap<string, StepDeclaration> {
  const { registry, workflows } = useClients();
  const targets = [...targetsOf(spec)];
  const results = useQueries({
    queries: targets.map(([, target]) => ({
      queryKey: ["builder-declaration", target.kind, target.key],
      staleTime: 30_000,
      retry: false,
      queryFn: async ({ signal }: { signal: AbortSignal }): Promise<StepDeclaration> => {
        if (target.kind === "mcp") {
          const { version } = await registry.getMcp(
            { mcp: target.ref.mcp, selector: target.ref.selector },
            { signal },
          );
          if (!version) throw new Error("GetMcp returned no version");
          const inputs = declaredInputs(version);
          return {
            inputs: inputs.fields,
            inputsFrom: inputs.source,
            outputs: fieldsFromJsonSchema(version.outputSchema).map((f) => f.name),
            resolved: `v${version.version}`,
          };
        }
        const { version } = await workflows.getWorkflow(
          {
            workflow: target.ref.workflow,
            selector:
              target.ref.version === undefined
                ? { case: undefined }
                : { case: "version", value: target.ref.version },
          },
          { signal },
        );
        const spec = version?.spec;
        return {
          inputs: workflowInputFields(spec?.inputs ?? []),
          inputsFrom: spec?.inputs.length ? "sub-workflow's inputs" : undefined,
          outputs: spec?.outputs.map((o) => o.name) ?? [],
          resolved: `v${version?.version ?? "?"}`,
        };
      },
    })),
  });
  const declarations = new Map<string, StepDeclaration>();
  targets.forEach(([stepId], i) => {
    const data = results[i]?.data;
    if (data) declarations.set(stepId, data);
  });
  return declarations;
}
