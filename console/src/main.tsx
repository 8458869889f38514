import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { createApiKeyStore, createWorkspaceStore } from "./api/api-key";
import { createClients } from "./api/clients";
import { createTransports } from "./api/transports";
import { App, createQueryClient } from "./app";
import { loadConfig } from "./config/load-config";
import { createCredential } from "./sign-in/credential";
import { createSessionStore } from "./sign-in/session";
import "./styles/base.css";
import "./styles/components.css";

/** Composition root: read /config.json, build the transports and clients once, render. */
async function start(element: HTMLElement): Promise<void> {
  const config = await loadConfig();
  const apiKey = createApiKeyStore();
  const sessions = createSessionStore();
  const workspace = createWorkspaceStore();
  const clients = createClients(
    createTransports(config, createCredential(config, apiKey, sessions), () => workspace.get()),
  );
  createRoot(element).render(
    <StrictMode>
      <App api={{ clients, config, apiKey, sessions, workspace }} queryClient={createQueryClient()} />
    </StrictMode>,
  );
}

const element = document.getElementById("root");
if (element) void start(element);
