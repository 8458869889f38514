import type { FieldViolation } from "@mcp/errors";
import { NetworkAccess, type McpConfig } from "@mcp/proto/registry";
import {
  checkMaxItems,
  checkSecretName,
  checkUnique,
  fieldPath,
  indexPath,
  violation,
} from "@mcp/validation";

/** Most secrets one version may name. */
export const MAX_SECRETS = 32;

/** What the sandbox fields apply to: the types whose steps start processes. */
const PROCESS_TYPES = "python_script, jupyter_notebook and mcp_tool over stdio";

/** True when a step of this config starts processes (which then run in the sandbox). */
export function startsProcesses(config: McpConfig): boolean {
  const kind = config.kind;
  return (
    kind.case === "pythonScript" ||
    kind.case === "jupyterNotebook" ||
    (kind.case === "mcpTool" && kind.value.transport.case === "stdio")
  );
}

/**
 * Checks `network` and `secrets` at `path`: a known network access, egress only for types that start
 * processes; at most 32 secret names, each a valid unreserved name, no repeats, and only for types
 * that start processes (an LLM provider names its key in `provider.api_key_secret`).
 */
export function validateSandboxFields(config: McpConfig, path: string): FieldViolation[] {
  const out: FieldViolation[] = [];
  const network = fieldPath(path, "network");
  if (!(config.network in NetworkAccess)) out.push(violation(network, "is not a known network access"));
  else if (config.network === NetworkAccess.EGRESS && !startsProcesses(config)) {
    out.push(violation(network, `egress applies only to types that start processes (${PROCESS_TYPES})`));
  }
  const secrets = fieldPath(path, "secrets");
  if (config.secrets.length > 0 && !startsProcesses(config)) {
    const kind = config.kind.case;
    out.push(
      violation(
        secrets,
        kind === "llmPrompt" || kind === "aiAssistant"
          ? "is for types that start processes; an LLM provider names its API key in provider.api_key_secret"
          : `is for types that start processes (${PROCESS_TYPES})`,
      ),
    );
  }
  out.push(
    ...checkMaxItems(config.secrets, MAX_SECRETS, secrets),
    ...config.secrets.flatMap((name, i) => checkSecretName(name, indexPath(secrets, i), { forWrite: true })),
    ...checkUnique(config.secrets, secrets),
  );
  return out;
}

/** The secrets a version names: its `secrets` and its LLM provider's `api_key_secret`. */
export function secretNames(config: McpConfig): string[] {
  const kind = config.kind;
  const provider =
    kind.case === "llmPrompt" || kind.case === "aiAssistant" ? kind.value.provider?.apiKeySecret : undefined;
  return [...new Set([...config.secrets, ...(provider ? [provider] : [])])];
}

/**
 * Why writing a version with this config needs the `admin` role (it may reach the network, or it
 * receives secrets whose values its code could then pass on), completing "needed to …"; undefined
 * when any writer may.
 */
export function adminNeededFor(config: McpConfig): string | undefined {
  const reasons: string[] = [];
  if (config.network === NetworkAccess.EGRESS) reasons.push("may reach the network (config.network egress)");
  const names = secretNames(config);
  if (names.length > 0) reasons.push(`receives secrets (${names.join(", ")})`);
  return reasons.length === 0 ? undefined : `write an MCP version that ${reasons.join(" and ")}`;
}
