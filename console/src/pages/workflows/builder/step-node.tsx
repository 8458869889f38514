import { Handle, Position, type NodeProps } from "@xyflow/react";
import type { StepNode } from "../../../builder/spec-graph";

/**
 * A step's box on the canvas: its id, what it calls, its condition and for_each badges, and its
 * problems (a red border and their count; the descriptions in its title). Drag from the bottom handle
 * to another step's top handle: that step then depends on this one.
 */
export function StepNodeView({ data, selected }: NodeProps<StepNode>) {
  const { step, problems } = data;
  return (
    <div
      className={`builder-node${problems.length > 0 ? " invalid" : ""}${selected ? " selected" : ""}${step.subWorkflow ? " sub-workflow-step" : ""}`}
      data-problems={problems.length}
      title={problems.join("\n") || undefined}
    >
      <Handle type="target" position={Position.Top} aria-label={`Into ${step.id}`} />
      <div className="builder-node-id">{step.id}</div>
      <div className="builder-node-mcp">{step.mcp}</div>
      {step.condition && <div className="builder-node-badge">{step.condition.label}</div>}
      {step.fanOut && <div className="builder-node-badge">{step.fanOut.label}</div>}
      {problems.length > 0 && (
        <div className="builder-node-problems" data-testid="node-problems">
          ⚠ {problems.length} problem{problems.length === 1 ? "" : "s"}
        </div>
      )}
      <Handle type="source" position={Position.Bottom} aria-label={`Out of ${step.id}`} />
    </div>
  );
}
