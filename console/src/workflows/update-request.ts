import { create } from "@bufbuild/protobuf";
import { FieldMaskSchema } from "@bufbuild/protobuf/wkt";
import { UpdateWorkflowRequestSchema, type UpdateWorkflowRequest } from "@mcp/proto/workflows";
import { parseWorkflowSpec } from "./create-request";

/** What "Edit workflow" sends: the spec as text (either view's), against the etag it was loaded with. */
export interface EditWorkflowForm {
  readonly name: string;
  /** The workflow's etag when the page loaded it: someone else's write in between fails with ABORTED. */
  readonly etag: string;
  readonly spec: string;
  readonly changeNote: string;
}

/** UpdateWorkflow's request writing a new version of the spec (only the spec: `update_mask` says so). */
export function buildUpdateWorkflowRequest(form: EditWorkflowForm): UpdateWorkflowRequest {
  return create(UpdateWorkflowRequestSchema, {
    workflow: { case: "name", value: form.name },
    etag: form.etag,
    updateMask: create(FieldMaskSchema, { paths: ["spec"] }),
    spec: parseWorkflowSpec(form.spec),
    changeNote: form.changeNote,
  });
}
