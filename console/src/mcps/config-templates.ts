import { McpType } from "@mcp/proto/registry";

/** The McpConfig oneof field (proto JSON name) that carries each type's config. */
export const CONFIG_FIELD: Readonly<Record<McpType, string | undefined>> = {
  [McpType.UNSPECIFIED]: undefined,
  [McpType.LLM_PROMPT]: "llmPrompt",
  [McpType.PYTHON_SCRIPT]: "pythonScript",
  [McpType.JUPYTER_NOTEBOOK]: "jupyterNotebook",
  [McpType.AI_ASSISTANT]: "aiAssistant",
  [McpType.MCP_TOOL]: "mcpTool",
};

/** What the starters of the types that start processes say about `network` and `secrets`. */
const SANDBOX_NOTE = `# Sandboxed: no network unless \`network: NETWORK_ACCESS_EGRESS\`; \`secrets: [NAME]\` passes
# secrets (see Secrets) as environment variables. Either needs an admin API key.
`;

/** A starting config per type, in YAML (proto JSON field names), shown in the "New MCP" form. */
export const CONFIG_TEMPLATES: Readonly<Record<McpType, string>> = {
  [McpType.UNSPECIFIED]: "",
  [McpType.PYTHON_SCRIPT]: `# python3 script.py <input.json> <output.json>
${SANDBOX_NOTE}timeoutSeconds: 30
scriptContent: |
  import json, sys
  data = json.load(open(sys.argv[1]))
  json.dump({"success": True, "result": {"text": data["text"]}, "error": None}, open(sys.argv[2], "w"))
`,
  [McpType.LLM_PROMPT]: `template: "Summarize in one sentence: {{ text }}"
model: gpt-4o-mini
temperature: 0.2
maxTokens: 256
provider:
  api: LLM_API_OPENAI_COMPATIBLE
  baseUrl: https://api.openai.com/v1
  apiKeyEnv: OPENAI_API_KEY # or apiKeySecret: NAME, a secret (see Secrets; needs an admin API key)
`,
  [McpType.JUPYTER_NOTEBOOK]: `${SANDBOX_NOTE}notebookPath: /path/to/notebook.ipynb
parameters:
  n: 3
outputVariables: [result]
timeoutSeconds: 300
`,
  [McpType.AI_ASSISTANT]: `systemPrompt: You are a helpful assistant. Use the tools when they help.
model: gpt-4o-mini
maxTurns: 5
tools:
  - name: example-echo
provider:
  api: LLM_API_OPENAI_COMPATIBLE
  baseUrl: https://api.openai.com/v1
  apiKeyEnv: OPENAI_API_KEY # or apiKeySecret: NAME, a secret (see Secrets; needs an admin API key)
`,
  [McpType.MCP_TOOL]: `${SANDBOX_NOTE}toolName: echo
stdio:
  command: npx
  args: ["@modelcontextprotocol/server-everything"]
timeoutSeconds: 60
`,
};
