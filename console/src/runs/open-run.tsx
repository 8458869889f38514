import { useState } from "react";
import { useNavigate } from "react-router";

/**
 * "Open run": goes to the run an id names, a whole id or a short one (a unique prefix of 8+ hex
 * digits, as the lists and the CLI show); the run page resolves a short id (ResolveRunId) and says
 * when it names no run or several.
 */
export function OpenRun() {
  const navigate = useNavigate();
  const [id, setId] = useState("");
  return (
    <form
      className="inline-form"
      aria-label="Open a run by id"
      onSubmit={(e) => {
        e.preventDefault();
        const value = id.trim();
        if (value) void navigate(`/runs/${encodeURIComponent(value)}`);
      }}
    >
      <label className="field-inline">
        Run id
        <input
          type="text"
          value={id}
          placeholder="3f2a9c1b"
          spellCheck={false}
          onChange={(e) => setId(e.target.value)}
        />
      </label>
      <button type="submit">Open run</button>
    </form>
  );
}
