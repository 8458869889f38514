import { useQuery } from "@tanstack/react-query";
import { useApi, useClients, useWorkspace } from "../api/context";

const DEFAULT_WORKSPACE = "default";

/**
 * The header's workspace switcher: every call the console makes acts in the chosen workspace
 * (`x-mcp-workspace`), remembered in localStorage; `default` is what calls without one act in.
 */
export function WorkspaceSwitcher() {
  const { workspaces } = useClients();
  const { workspace } = useApi();
  const chosen = useWorkspace() ?? DEFAULT_WORKSPACE;
  const listed = useQuery({
    queryKey: ["listWorkspaces"],
    queryFn: ({ signal }) => workspaces.listWorkspaces({ pageSize: 500 }, { signal }),
    retry: false,
  });
  const names = listed.data?.workspaces.map((w) => w.name) ?? [];
  const options = names.includes(chosen) ? names : [chosen, ...names];
  return (
    <label className="workspace-switcher">
      <span className="hint">Workspace</span>{" "}
      <select
        aria-label="Workspace"
        value={chosen}
        onChange={(e) => workspace.set(e.target.value === DEFAULT_WORKSPACE ? undefined : e.target.value)}
      >
        {options.map((name) => (
          <option key={name} value={name}>
            {name}
          </option>
        ))}
      </select>
    </label>
  );
}
