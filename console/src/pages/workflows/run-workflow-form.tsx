import type { JsonObject } from "@bufbuild/protobuf";
import type { WorkflowInput } from "@mcp/proto/workflows";
import { useMutation } from "@tanstack/react-query";
import { useMemo } from "react";
import { useNavigate } from "react-router";
import { useClients } from "../../api/context";
import { newRequestId } from "../../api/request-id";
import { ErrorView } from "../../components/error-view";
import { InputsForm } from "../../components/inputs-form";
import { workflowInputFields } from "../../workflows/input-fields";

/**
 * The Run form: the workflow's declared inputs (required ones marked), then ExecuteWorkflow with a fresh
 * request id, without waiting; the run page follows the run.
 */
export function RunWorkflowForm({
  name,
  version,
  inputs,
}: {
  name: string;
  version: number;
  inputs: readonly WorkflowInput[];
}) {
  const { executor } = useClients();
  const navigate = useNavigate();
  const fields = useMemo(() => workflowInputFields(inputs), [inputs]);
  const execute = useMutation({
    mutationFn: (values: JsonObject) =>
      executor.executeWorkflow({
        workflow: { workflow: { case: "name", value: name }, version },
        inputs: values,
        requestId: newRequestId(),
        wait: false,
      }),
    onSuccess: (res) => {
      if (res.run) void navigate(`/runs/${res.run.id}`);
    },
  });
  return (
    <>
      <InputsForm
        fields={fields}
        submitLabel="Run workflow"
        busy={execute.isPending}
        onSubmit={(v) => execute.mutate(v)}
      />
      {execute.isError && <ErrorView error={execute.error} title="ExecuteWorkflow failed" />}
    </>
  );
}
