import { useState } from "react";
import { NavLink, Outlet } from "react-router";
import { useApi, useApiKey } from "../api/context";
import { SignInStatus } from "../sign-in/sign-in-status";
import { SettingsDialog } from "./settings-dialog";
import { WorkspaceSwitcher } from "./workspace-switcher";

/**
 * The page frame: a header with the navigation and either who is signed in (sign-in configured) or
 * the Settings control where an API key is pasted, then the page.
 */
export function Layout() {
  const [settingsOpen, setSettingsOpen] = useState(false);
  const apiKey = useApiKey();
  const { config } = useApi();
  return (
    <>
      <header className="site-header">
        <a className="brand" href="/">
          MCP console
        </a>
        <nav aria-label="Main">
          <ul>
            <li>
              <NavLink to="/" end>
                Dashboard
              </NavLink>
            </li>
            <li>
              <NavLink to="/mcps">MCPs</NavLink>
            </li>
            <li>
              <NavLink to="/workflows">Workflows</NavLink>
            </li>
            <li>
              <NavLink to="/runs">Runs</NavLink>
            </li>
            <li>
              <NavLink to="/schedules">Schedules</NavLink>
            </li>
            <li>
              <NavLink to="/secrets">Secrets</NavLink>
            </li>
            <li>
              <NavLink to="/triggers">Triggers</NavLink>
            </li>
            <li>
              <NavLink to="/audit">Audit</NavLink>
            </li>
          </ul>
        </nav>
        <div className="header-end">
          <WorkspaceSwitcher />
          {config.signIn ? (
            <SignInStatus settings={config.signIn} />
          ) : (
            <>
              <span className="hint">{apiKey === undefined ? "no API key" : "API key set"}</span>
              <button type="button" onClick={() => setSettingsOpen(true)}>
                Settings
              </button>
            </>
          )}
        </div>
      </header>
      <main className="page">
        <Outlet />
      </main>
      {settingsOpen && <SettingsDialog onClose={() => setSettingsOpen(false)} />}
    </>
  );
}
