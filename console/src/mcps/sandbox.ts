import { NetworkAccess, type McpConfig } from "@mcp/proto/registry";

/** A version's network access as a reviewer reads it: `none` (also when unset) or `egress`. */
export function networkName(network: NetworkAccess | undefined): string {
  switch (network ?? NetworkAccess.UNSPECIFIED) {
    case NetworkAccess.UNSPECIFIED:
    case NetworkAccess.NONE:
      return "none";
    case NetworkAccess.EGRESS:
      return "egress";
    default:
      return `unknown (${network})`;
  }
}

/** One secret a version receives, and how. */
export interface SecretUse {
  readonly name: string;
  /** `env`: an environment variable of the step's processes (`secrets`); `provider`: the LLM provider's API key. */
  readonly as: "env" | "provider";
}

/** The secrets a version receives: its config's `secrets`, then its LLM provider's `apiKeySecret`. */
export function secretsOf(config: McpConfig | undefined): SecretUse[] {
  if (config === undefined) return [];
  const uses: SecretUse[] = config.secrets.map((name) => ({ name, as: "env" }));
  const kind = config.kind;
  const provider =
    kind.case === "llmPrompt" || kind.case === "aiAssistant" ? kind.value.provider?.apiKeySecret : undefined;
  if (provider) uses.push({ name: provider, as: "provider" });
  return uses;
}
