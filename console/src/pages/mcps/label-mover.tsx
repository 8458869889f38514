import type { Mcp } from "@mcp/proto/registry";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState, type FormEvent } from "react";
import { useClients } from "../../api/context";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { ErrorView } from "../../components/error-view";

/** Labels people move by hand; `latest` moves by itself. */
export const MOVABLE_LABELS = ["production", "staging"] as const;

/** The question the confirm dialog asks. */
export function moveQuestion(label: string, from: number | undefined, to: number): string {
  return from === undefined ? `Set ${label} to v${to}?` : `Move ${label} from v${from} to v${to}?`;
}

/**
 * The labels of an MCP and the "Move label" control: pick a label and a version, confirm
 * ("Move production from v1 to v2?"), then SetMcpLabel records the move.
 */
export function LabelMover({ mcp }: { mcp: Mcp }) {
  const { registry } = useClients();
  const queryClient = useQueryClient();
  const id = useId();
  const labels = [...new Set([...MOVABLE_LABELS, ...Object.keys(mcp.labels).filter((l) => l !== "latest")])];
  const versions = Array.from({ length: mcp.latestVersion }, (_, i) => mcp.latestVersion - i);
  const [label, setLabel] = useState<string>(labels[0] ?? "production");
  const [version, setVersion] = useState<number>(mcp.latestVersion);
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const current = mcp.labels[label];

  const move = useMutation({
    mutationFn: () =>
      registry.setMcpLabel({ mcp: { case: "name", value: mcp.name }, label, version, reason: reason.trim() }),
    onSuccess: async () => {
      setConfirming(false);
      setReason("");
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: ["mcp", mcp.name] }),
        queryClient.invalidateQueries({ queryKey: ["mcpVersions", mcp.name] }),
        queryClient.invalidateQueries({ queryKey: ["labelMoves", mcp.name] }),
        queryClient.invalidateQueries({ queryKey: ["mcps"] }),
      ]);
    },
    onError: () => setConfirming(false),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    move.reset();
    setConfirming(true);
  };

  return (
    <>
      <table className="compact">
        <caption className="visually-hidden">Labels of {mcp.name}</caption>
        <thead>
          <tr>
            <th scope="col">Label</th>
            <th scope="col">Version</th>
          </tr>
        </thead>
        <tbody>
          {Object.entries(mcp.labels)
            .sort(([a], [b]) => a.localeCompare(b))
            .map(([l, v]) => (
              <tr key={l}>
                <th scope="row">{l}</th>
                <td>v{v}</td>
              </tr>
            ))}
        </tbody>
      </table>
      <form className="inline-form" onSubmit={submit} aria-label="Move label">
        <div className="field">
          <label htmlFor={`${id}-label`}>Label</label>
          <select id={`${id}-label`} value={label} onChange={(e) => setLabel(e.target.value)}>
            {labels.map((l) => (
              <option key={l} value={l}>
                {l}
                {mcp.labels[l] !== undefined ? ` (now v${mcp.labels[l]})` : " (not set)"}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-version`}>Version</label>
          <select id={`${id}-version`} value={version} onChange={(e) => setVersion(Number(e.target.value))}>
            {versions.map((v) => (
              <option key={v} value={v}>
                v{v}
                {v === mcp.latestVersion ? " (latest)" : ""}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-reason`}>Reason</label>
          <input id={`${id}-reason`} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
        <button type="submit" disabled={current === version || move.isPending}>
          Move label
        </button>
      </form>
      {current === version && (
        <p className="hint">
          {label} already points at v{version}.
        </p>
      )}
      {move.isSuccess && move.data.move && (
        <p role="status" className="saved">
          {move.data.move.label} now points at v{move.data.move.toVersion}.
        </p>
      )}
      {move.isError && <ErrorView error={move.error} title="SetMcpLabel failed" />}
      {confirming && (
        <ConfirmDialog
          title={moveQuestion(label, current, version)}
          confirmLabel="Move label"
          busy={move.isPending}
          onConfirm={() => move.mutate()}
          onCancel={() => setConfirming(false)}
        >
          <p>
            Workflow steps that call{" "}
            <code>
              {mcp.name}@{label}
            </code>{" "}
            will run v{version} from their next run.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
