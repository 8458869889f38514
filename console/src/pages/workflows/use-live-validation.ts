import { toJsonString } from "@bufbuild/protobuf";
import { WorkflowSpecSchema, type WorkflowSpec } from "@mcp/proto/workflows";
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useClients } from "../../api/context";

/** How long edits must pause before the spec is validated again. */
export const VALIDATE_DELAY_MS = 600;

/**
 * ValidateWorkflow of the spec being edited, again whenever it has not changed for a moment
 * (debounced) or at once with `validateNow`. The answer comes with the spec it was for: its
 * violations' field paths index that spec's steps. The previous answer stays shown while the next
 * is on its way.
 */
export function useLiveValidation(spec: WorkflowSpec | undefined) {
  const { workflows } = useClients();
  const [settled, setSettled] = useState(spec);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(spec), VALIDATE_DELAY_MS);
    return () => clearTimeout(timer);
  }, [spec]);
  const query = useQuery({
    queryKey: ["validate-spec", settled ? toJsonString(WorkflowSpecSchema, settled) : ""],
    enabled: settled !== undefined,
    placeholderData: keepPreviousData,
    retry: false,
    queryFn: async ({ signal }) => {
      const target = settled as WorkflowSpec;
      const result = await workflows.validateWorkflow(
        { target: { case: "spec", value: target } },
        { signal },
      );
      return { spec: target, result };
    },
  });
  return {
    query,
    /** Whether the answer shown is for the spec as it is now. */
    current:
      !query.isFetching &&
      query.data !== undefined &&
      spec !== undefined &&
      toJsonString(WorkflowSpecSchema, query.data.spec) === toJsonString(WorkflowSpecSchema, spec),
    validateNow: () => setSettled(spec),
  };
}
