import { useId, useRef, useState, type FormEvent } from "react";
import { useApi, useApiKey } from "../api/context";
import { Modal } from "./modal";

/**
 * Where the user pastes an API key (kept in localStorage and sent as `authorization: Bearer <key>`),
 * and sees which service addresses the console uses.
 */
export function SettingsDialog({ onClose }: { onClose: () => void }) {
  const { apiKey, config } = useApi();
  const current = useApiKey();
  const [draft, setDraft] = useState(current ?? "");
  const [saved, setSaved] = useState<string | undefined>();
  const titleId = useId();
  const inputId = useId();
  const inputRef = useRef<HTMLInputElement>(null);

  const save = (e: FormEvent) => {
    e.preventDefault();
    apiKey.set(draft);
    setSaved(draft.trim() ? "API key saved." : "API key cleared.");
  };
  const clear = () => {
    apiKey.set(undefined);
    setDraft("");
    setSaved("API key cleared.");
  };

  return (
    <Modal labelledBy={titleId} onClose={onClose} initialFocus={inputRef}>
      <h2 id={titleId}>Settings</h2>
      <form onSubmit={save}>
        <div className="field">
          <label htmlFor={inputId}>API key</label>
          <input
            id={inputId}
            ref={inputRef}
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={draft}
            onChange={(e) => setDraft(e.target.value)}
            aria-describedby={`${inputId}-hint`}
          />
          <p id={`${inputId}-hint`} className="hint">
            Sent as <code>authorization: Bearer &lt;key&gt;</code> on every call; kept in this browser&apos;s
            local storage. Needed when the services check API keys (multi-node mode).
          </p>
        </div>
        <div className="actions">
          <button type="submit" className="primary">
            Save
          </button>
          <button type="button" onClick={clear} disabled={current === undefined && draft === ""}>
            Clear key
          </button>
          <button type="button" onClick={onClose}>
            Close
          </button>
        </div>
        {saved !== undefined && (
          <p role="status" className="saved">
            {saved}
          </p>
        )}
      </form>
      <h3>Services</h3>
      <table className="compact">
        <tbody>
          <tr>
            <th scope="row">registry</th>
            <td>
              <code>{config.registryUrl}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">workflows</th>
            <td>
              <code>{config.workflowsUrl}</code>
            </td>
          </tr>
          <tr>
            <th scope="row">executor</th>
            <td>
              <code>{config.executorUrl}</code>
            </td>
          </tr>
        </tbody>
      </table>
    </Modal>
  );
}
