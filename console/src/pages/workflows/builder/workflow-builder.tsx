import "@xyflow/react/dist/style.css";
import "./builder.css";
import type { ValidateWorkflowResponse, WorkflowSpec } from "@mcp/proto/workflows";
import {
  Background,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type NodeChange,
  useReactFlow,
} from "@xyflow/react";
import { useCallback, useEffect, useMemo, useState } from "react";
import {
  addStep,
  canConnect,
  connect,
  disconnect,
  removeSteps,
  type StepTarget,
} from "../../../builder/spec-edits";
import {
  placeSteps,
  specToFlow,
  type BuilderEdge,
  type Position,
  type StepNode,
} from "../../../builder/spec-graph";
import { placeViolations, problemsByStep } from "../../../builder/violations";
import { Palette } from "./palette";
import { StepNodeView } from "./step-node";
import { StepPanel } from "./step-panel";
import { useStepDeclarations } from "./use-step-declarations";
import { WorkflowPanel } from "./workflow-panel";

export interface WorkflowBuilderProps {
  readonly spec: WorkflowSpec;
  readonly onChange: (spec: WorkflowSpec) => void;
  /** Boxes the user placed, kept by the editor so that switching views keeps them. */
  readonly positions: ReadonlyMap<string, Position>;
  readonly onPositions: (positions: ReadonlyMap<string, Position>) => void;
  /** The latest ValidateWorkflow answer and the spec it was for (its field paths index that spec). */
  readonly validation: { readonly spec: WorkflowSpec; readonly result: ValidateWorkflowResponse } | undefined;
  /** The workflow's own name, left out of the palette's sub-workflows. */
  readonly workflowName?: string;
}

const nodeTypes = { step: StepNodeView };

/**
 * The visual workflow builder: a palette of MCPs and workflows, the canvas (React Flow: a box per
 * step, an edge per `depends_on`; drag a box's bottom handle to another's top to connect; Delete or
 * Backspace removes the selected box or edge) and the side panel of the selected step (or of the
 * workflow). It edits the spec it is given; every change goes through `onChange`.
 */
export default function WorkflowBuilder(props: WorkflowBuilderProps) {
  return (
    <ReactFlowProvider>
      <Builder {...props} />
    </ReactFlowProvider>
  );
}

function Builder({ spec, onChange, positions, onPositions, validation, workflowName }: WorkflowBuilderProps) {
  const [selected, setSelected] = useState<string | undefined>();
  const { fitView } = useReactFlow();
  const declarations = useStepDeclarations(spec);
  const placed = useMemo(() => placeSteps(spec, positions), [spec, positions]);
  const violations = useMemo(
    () => placeViolations(validation?.spec ?? spec, validation?.result.violations ?? []),
    [validation, spec],
  );
  const flow = useMemo(
    () => specToFlow(spec, placed, problemsByStep(violations), selected),
    [spec, placed, violations, selected],
  );
  // React Flow measures the boxes and tracks drags and selection in its nodes: keep them between
  // renders and take from the spec what it says
  const [nodes, setNodes] = useState<StepNode[]>(flow.nodes);
  const [edges, setEdges] = useState<BuilderEdge[]>(flow.edges);
  const [shown, setShown] = useState(flow);
  if (shown !== flow) {
    setShown(flow);
    const measured = new Map(nodes.map((n) => [n.id, n.measured]));
    setNodes(flow.nodes.map((n) => ({ ...n, measured: measured.get(n.id) })));
    const chosen = new Set(edges.filter((e) => e.selected).map((e) => e.id));
    setEdges(flow.edges.map((e) => (chosen.has(e.id) ? { ...e, selected: true } : e)));
  }
  // a step added or removed: show the whole graph again (a new box goes below the others)
  const count = spec.steps.length;
  useEffect(() => {
    const timer = setTimeout(() => void fitView({ maxZoom: 1, padding: 0.2 }), 50);
    return () => clearTimeout(timer);
  }, [count, fitView]);
  // a step that is gone (removed, renamed in the YAML view) is no longer selected
  if (selected !== undefined && !spec.steps.some((s) => s.stepId === selected)) setSelected(undefined);

  const onNodesChange = useCallback(
    (changes: NodeChange<StepNode>[]) => {
      setNodes((ns) => applyNodeChanges(changes, ns));
      const moved = new Map(positions);
      let anyMoved = false;
      for (const change of changes) {
        if (change.type === "position" && change.position && !change.dragging) {
          moved.set(change.id, change.position);
          anyMoved = true;
        }
        if (change.type === "select") {
          if (change.selected) setSelected(change.id);
          else setSelected((s) => (s === change.id ? undefined : s));
        }
      }
      if (anyMoved) onPositions(moved);
    },
    [positions, onPositions],
  );
  const onEdgesChange = useCallback(
    (changes: EdgeChange<BuilderEdge>[]) => setEdges((es) => applyEdgeChanges(changes, es)),
    [],
  );
  const onConnect = useCallback(
    (c: Connection) => onChange(connect(spec, c.source, c.target)),
    [spec, onChange],
  );
  const onDelete = useCallback(
    ({ nodes: goneNodes, edges: goneEdges }: { nodes: StepNode[]; edges: BuilderEdge[] }) => {
      const gone = new Set(goneNodes.map((n) => n.id));
      let next = gone.size > 0 ? removeSteps(spec, [...gone]) : spec;
      for (const e of goneEdges) {
        if (!gone.has(e.source) && !gone.has(e.target) && e.data?.dependsOn)
          next = disconnect(next, e.source, e.target);
      }
      if (next !== spec) onChange(next);
    },
    [spec, onChange],
  );
  const add = (target: StepTarget) => {
    const added = addStep(spec, target);
    onChange(added.spec);
    setSelected(added.stepId);
  };
  const step = spec.steps.find((s) => s.stepId === selected);
  const validated = validation?.spec === spec;

  return (
    <div className="builder">
      <Palette onAdd={add} {...(workflowName ? { exclude: workflowName } : {})} />
      <div className="builder-canvas" data-testid="builder-canvas" data-validated={validated}>
        <ReactFlow<StepNode, BuilderEdge>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onDelete={onDelete}
          isValidConnection={(c) => canConnect(spec, c.source, c.target)}
          onPaneClick={() => setSelected(undefined)}
          deleteKeyCode={["Delete", "Backspace"]}
          fitView
          fitViewOptions={{ maxZoom: 1 }}
          minZoom={0.3}
          proOptions={{ hideAttribution: true }}
          ariaLabelConfig={{
            "node.a11yDescription.default":
              "Press Enter to select this step, Delete to remove it, arrow keys to move it.",
          }}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
        {spec.steps.length === 0 && (
          <p className="builder-empty hint">Add a step from the palette: search an MCP, then press Add.</p>
        )}
      </div>
      <aside className="builder-panel" aria-label={step ? `Step ${step.stepId}` : "Workflow settings"}>
        {step ? (
          <StepPanel
            key={step.stepId}
            spec={spec}
            step={step}
            declarations={declarations}
            violations={violations}
            onChange={onChange}
            onRenamed={setSelected}
            onRemove={() => onChange(removeSteps(spec, [step.stepId]))}
          />
        ) : (
          <WorkflowPanel spec={spec} problems={violations.workflow} onChange={onChange} />
        )}
        {step && (
          <button type="button" onClick={() => setSelected(undefined)}>
            Workflow settings
          </button>
        )}
      </aside>
    </div>
  );
}
