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

/** A starting config per type, in YAML (proto JSON field names), shown in the "New MCP" form. */
export const CONFIG_TEMPLATES: Readonly<Record<McpType, string>> = {
  [McpType.UNSPECIFIED]: "",
  [McpType.PYTHON_SCRIPT]: `# python3 script.py <input.json> <output.json>
timeoutSeconds: 30
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
  apiKeyEnv: OPENAI_API_KEY
`,
  [McpType.JUPYTER_NOTEBOOK]: `notebookPath: /path/to/notebook.ipynb
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
  apiKeyEnv: OPENAI_API_KEY
`,
  [McpType.MCP_TOOL]: `toolName: echo
stdio:
  command: npx
  args: ["@modelcontextprotocol/server-everything"]
timeoutSeconds: 60
`,
};
