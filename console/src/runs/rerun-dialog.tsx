import type { WorkflowRun } from "@mcp/proto/executor";
import { useMutation } from "@tanstack/react-query";
import { useMemo, useState } from "react";
import { useNavigate } from "react-router";
import { useClients } from "../api/context";
import { newRequestId } from "../api/request-id";
import { ConfirmDialog } from "../components/confirm-dialog";
import { ErrorView } from "../components/error-view";

/** The label a re-run's MCPs are re-resolved to when asked ("re-run with the fixed script"). */
export const RERUN_LABEL = "production";

/**
 * Asks before re-running a finished run (RerunRun) from `fromStepId` ("" = every step), offers to run
 * the re-run steps' MCPs at their current `production` version, then opens the new run (whose
 * timeline marks the steps it reused). One request id per dialog and choice, so a repeated click
 * cannot start two runs.
 */
export function RerunDialog({
  run,
  fromStepId,
  onClose,
}: {
  run: WorkflowRun;
  fromStepId: string;
  onClose: () => void;
}) {
  const { executor } = useClients();
  const navigate = useNavigate();
  const [relabel, setRelabel] = useState(false);
  const requestId = useMemo(() => newRequestId(), []);
  const rerun = useMutation({
    mutationFn: () =>
      executor.rerunRun({
        runId: run.id,
        fromStepId,
        resolveLabel: relabel ? RERUN_LABEL : "",
        requestId: `${requestId}${relabel ? `:${RERUN_LABEL}` : ""}`,
      }),
    onSuccess: (res) => {
      onClose();
      void navigate(`/runs/${res.run?.id ?? ""}`);
    },
  });
  return (
    <ConfirmDialog
      title={fromStepId ? `Re-run from step ${fromStepId}?` : "Re-run this run?"}
      confirmLabel="Re-run"
      busy={rerun.isPending}
      onConfirm={() => rerun.mutate()}
      onCancel={onClose}
    >
      <p>
        A new run starts with the same inputs; this run stays as it is.{" "}
        {fromStepId ? (
          <>
            Step <code>{fromStepId}</code> and every step downstream of it run again (so does any step that
            did not succeed); the others keep their recorded outputs and do not run.
          </>
        ) : (
          "Every step runs again."
        )}
      </p>
      <label>
        <input type="checkbox" checked={relabel} onChange={(e) => setRelabel(e.target.checked)} /> Run those
        steps at their MCPs' current <code>{RERUN_LABEL}</code> version (else the versions this run used)
      </label>
      {rerun.isError && <ErrorView error={rerun.error} title="RerunRun failed" />}
    </ConfirmDialog>
  );
}
