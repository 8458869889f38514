import { fromJson, type JsonValue } from "@bufbuild/protobuf";
import {
  CreateMcpRequestSchema,
  McpConfigSchema,
  type CreateMcpRequest,
  type McpType,
} from "@mcp/proto/registry";
import { DefinitionError, parseMapping } from "../forms/parse-definition";
import { mcpTypeName } from "../format/enums";
import { CONFIG_FIELD } from "./config-templates";

/** What the "New MCP" form holds. */
export interface NewMcpForm {
  readonly name: string;
  readonly type: McpType;
  readonly description: string;
  /** Comma- or space-separated. */
  readonly tags: string;
  /** The type's config (YAML or JSON), or a whole McpConfig (`pythonScript: {...}`). */
  readonly config: string;
  /** Optional JSON Schema of the inputs (YAML or JSON). */
  readonly inputSchema: string;
  readonly changeNote: string;
}

/** Splits `a, b c` into `["a", "b", "c"]`. */
export function splitTags(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((t) => t.trim())
    .filter((t) => t !== "");
}

/** JSON names of McpConfig fields by either spelling (`pythonScript`, `python_script`). */
const byBothSpellings = (fields: typeof McpConfigSchema.fields) =>
  new Map(
    fields.flatMap((f) => [
      [f.jsonName, f.jsonName],
      [f.name, f.jsonName],
    ]),
  );

/** The McpConfig oneof fields: one per kind of MCP. */
const CONFIG_KINDS = byBothSpellings(McpConfigSchema.fields.filter((f) => f.oneof !== undefined));

/** The McpConfig fields every kind shares, beside its own config: `network`, `secrets`. */
const SHARED_FIELDS = byBothSpellings(McpConfigSchema.fields.filter((f) => f.oneof === undefined));

/**
 * Builds CreateMcp's request from the form. The config may be given bare (the fields of the chosen
 * type's config) or wrapped in its kind (`pythonScript: {...}`), which must then match the type; either
 * way `network` and `secrets` beside them belong to the whole config (as in a manifest's `config:`).
 * Throws DefinitionError, naming the textarea, when a text does not parse or does not fit the contract.
 */
export function buildCreateMcpRequest(form: NewMcpForm): CreateMcpRequest {
  const field = CONFIG_FIELD[form.type];
  if (field === undefined) throw new DefinitionError("Type: choose the kind of MCP");
  const shared: Record<string, unknown> = {};
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parseMapping(form.config, "Config") ?? {})) {
    const sharedName = SHARED_FIELDS.get(key);
    if (sharedName !== undefined) shared[sharedName] = value;
    else config[key] = value;
  }
  const keys = Object.keys(config);
  const wrapped =
    keys.length === 1 && CONFIG_KINDS.has(keys[0] ?? "") ? CONFIG_KINDS.get(keys[0] ?? "") : undefined;
  if (wrapped !== undefined && wrapped !== field) {
    throw new DefinitionError(`Config: it is a ${keys[0]} config, but the type is ${mcpTypeName(form.type)}`);
  }
  const body: Record<string, unknown> = {
    name: form.name.trim(),
    description: form.description,
    tags: splitTags(form.tags),
    config: { ...(wrapped !== undefined ? config : { [field]: config }), ...shared },
    changeNote: form.changeNote,
  };
  const inputSchema = parseMapping(form.inputSchema, "Input schema");
  if (inputSchema !== undefined) body["inputSchema"] = inputSchema;
  try {
    return fromJson(CreateMcpRequestSchema, body as JsonValue);
  } catch (err) {
    throw new DefinitionError(`Config: ${err instanceof Error ? err.message : String(err)}`);
  }
}
