import { McpConfigSchema, McpType, type McpConfig } from "@mcp/proto/registry";

/** The `McpConfig.kind` case of each type (the generated camelCase name), e.g. `llmPrompt`. */
export type McpConfigKind = NonNullable<McpConfig["kind"]["case"]>;

type KindConfigs = { [C in McpConfigKind]: Extract<McpConfig["kind"], { case: C }>["value"] };

/** The config message of one kind, e.g. `LlmPromptConfig` for `llmPrompt`. */
export type KindConfig<K extends McpConfigKind> = KindConfigs[K];

const TYPE_OF_KIND: Readonly<Record<McpConfigKind, McpType>> = {
  llmPrompt: McpType.LLM_PROMPT,
  pythonScript: McpType.PYTHON_SCRIPT,
  jupyterNotebook: McpType.JUPYTER_NOTEBOOK,
  aiAssistant: McpType.AI_ASSISTANT,
  mcpTool: McpType.MCP_TOOL,
};

/** The type an MCP with this config has; `MCP_TYPE_UNSPECIFIED` when no kind is set. */
export function mcpTypeOf(config: McpConfig): McpType {
  return config.kind.case === undefined ? McpType.UNSPECIFIED : TYPE_OF_KIND[config.kind.case];
}

/** The proto (snake_case) name of a kind, e.g. `llm_prompt` for `llmPrompt`. */
export function kindFieldName(kind: McpConfigKind): string {
  const field = McpConfigSchema.fields.find((f) => f.localName === kind);
  return field?.name ?? kind;
}

/**
 * The config of `kind` an MCP (or version) carries, or undefined when its config is of another kind
 * or absent: `configOf(mcp, "llmPrompt")` is the `LlmPromptConfig`.
 */
export function configOf<K extends McpConfigKind>(
  mcp: { readonly config?: McpConfig | undefined },
  kind: K,
): KindConfig<K> | undefined {
  const set = mcp.config?.kind;
  return set?.case === kind ? (set.value as KindConfig<K>) : undefined;
}

/** `value` when it is set and above 0, else `fallback`: how a run reads an optional positive setting. */
export function positiveOr(value: number | undefined, fallback: number): number {
  return value !== undefined && value > 0 ? value : fallback;
}
