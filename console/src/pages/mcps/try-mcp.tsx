import type { JsonObject } from "@bufbuild/protobuf";
import type { McpVersion } from "@mcp/proto/registry";
import { useMutation } from "@tanstack/react-query";
import { useMemo } from "react";
import { useClients } from "../../api/context";
import { newRequestId } from "../../api/request-id";
import { ErrorView } from "../../components/error-view";
import { InputsForm } from "../../components/inputs-form";
import { RunResult } from "../../components/run-result";
import { declaredInputs } from "../../mcps/input-fields";

/** Longest "Try it" waits for the run to finish before showing it as it is. */
const WAIT_SECONDS = 120;

/** "Try it": a form for the version's declared inputs; RunMcp runs that exact version and waits. */
export function TryMcp({ version }: { version: McpVersion }) {
  const { executor } = useClients();
  const declared = useMemo(() => declaredInputs(version), [version]);
  const run = useMutation({
    mutationFn: (inputs: JsonObject) =>
      executor.runMcp({
        mcp: {
          mcp: { case: "name", value: version.mcpName },
          selector: { case: "version", value: version.version },
        },
        inputs,
        requestId: newRequestId(),
        wait: true,
        waitTimeoutSeconds: WAIT_SECONDS,
      }),
  });
  return (
    <>
      <p className="hint">
        Runs v{version.version} alone (RunMcp), recorded as a one-step run.
        {declared.source !== undefined
          ? ` Inputs from the ${declared.source}.`
          : " No inputs declared: give them as JSON."}
      </p>
      <InputsForm
        fields={declared.fields}
        freeform
        submitLabel="Run"
        busy={run.isPending}
        onSubmit={(i) => run.mutate(i)}
      />
      {run.isError && <ErrorView error={run.error} title="RunMcp failed" />}
      {run.isSuccess && run.data.run && <RunResult run={run.data.run} />}
    </>
  );
}
