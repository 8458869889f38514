import { clone } from "@bufbuild/protobuf";
import { JupyterNotebookConfigSchema, type JupyterNotebookConfig } from "@mcp/proto/registry";

/** Wall-clock limit when none is given, in seconds. */
export const DEFAULT_NOTEBOOK_TIMEOUT_SECONDS = 300;

/** A copy with defaults filled in: timeout 300 s. */
export function jupyterNotebookWithDefaults(config: JupyterNotebookConfig): JupyterNotebookConfig {
  const out = clone(JupyterNotebookConfigSchema, config);
  out.timeoutSeconds ??= DEFAULT_NOTEBOOK_TIMEOUT_SECONDS;
  return out;
}
