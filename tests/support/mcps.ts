import { randomUUID } from "node:crypto";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { CreateMcpRequestSchema, McpConfigSchema } from "@mcp/proto/registry";

type ConfigInit = MessageInitShape<typeof McpConfigSchema>;

/** A unique MCP name for one test. */
export const uniqueName = (prefix = "mcp") => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A python_script config whose script prints `text`. */
export function pythonConfig(text = "hello"): ConfigInit {
  return {
    kind: {
      case: "pythonScript",
      value: { source: { case: "scriptContent", value: `print(${JSON.stringify(text)})` } },
    },
  };
}

/** An llm_prompt config for an OpenAI-compatible provider. */
export function llmConfig(
  overrides: { temperature?: number; model?: string; template?: string } = {},
): ConfigInit {
  return {
    kind: {
      case: "llmPrompt",
      value: {
        template: overrides.template ?? "Summarise: {{text}}",
        model: overrides.model ?? "gpt-4o-mini",
        temperature: overrides.temperature ?? 0.2,
        provider: { baseUrl: "http://127.0.0.1:9/v1", apiKeyEnv: "OPENAI_API_KEY" },
      },
    },
  };
}

/** A CreateMcp request for a python_script MCP with a unique name. */
export function newPythonMcp(
  name = uniqueName("py"),
  text = "hello",
): MessageInitShape<typeof CreateMcpRequestSchema> {
  return { name, description: `prints ${text}`, tags: ["test"], config: pythonConfig(text) };
}
