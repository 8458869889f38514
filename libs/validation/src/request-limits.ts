import { MAX_NAME_LENGTH } from "./identity.js";
import { MAX_DESCRIPTION_LENGTH, MAX_NOTE_LENGTH, MAX_TAGS } from "./metadata.js";

/**
 * The size limits every request of every service obeys (docs/limits.md is this table in prose). The
 * request gate checks the first group on the raw bytes, before anything is decoded; the request walk
 * checks the per-field limits on the decoded message, before the handler runs. Domain rules (name
 * patterns, value ranges) may be stricter than these ceilings, never looser.
 */

/** How long one string may be and what it must look like. */
export interface TextLimit {
  /** Most characters (Unicode code points). */
  readonly maxChars?: number;
  /** Most bytes of UTF-8 (for contents such as scripts and notebooks). */
  readonly maxBytes?: number;
  /** The string, when not empty, is a UUID. */
  readonly uuid?: boolean;
}

/** The limits of one field; what is unset falls back to the next rule (by name, then the default). */
export interface FieldLimit {
  /** The field's strings: its value, each element of a list, each value of a map. */
  readonly text?: TextLimit;
  /** Most elements of a list, or entries of a map. */
  readonly maxItems?: number;
  /** Each key of a map. */
  readonly key?: TextLimit;
  /** A `google.protobuf.Struct`, `Value` or `ListValue` field: most bytes of its JSON. */
  readonly maxJsonBytes?: number;
}

const KiB = 1024;
const MiB = 1024 * KiB;

/** Default `MAX_REQUEST_BYTES`: the largest request message accepted, in any protocol and encoding. */
export const DEFAULT_MAX_REQUEST_BYTES = 4 * MiB;

/** Whole-request limits, checked on the raw bytes before decoding. */
export const REQUEST_SHAPE_LIMITS = {
  /**
   * Most protobuf fields one request holds, counted as its binary encoding has them: each set field,
   * each list element, each map entry with its key and value (3), each Struct member (4: entry, key,
   * value, kind) and each list item of a Value (2). Decoding cost grows with this count, not with bytes.
   */
  maxFields: 10_000,
  /**
   * Deepest nesting: each message, Struct or list of a Value is one level (a map's entries and a
   * Value around a Struct are not). The request itself is level 0.
   */
  maxDepth: 32,
  /**
   * Largest JSON message in a gRPC, gRPC-Web or Connect-streaming frame (JSON over those protocols
   * is decoded in one go; Connect unary JSON and binary take up to MAX_REQUEST_BYTES).
   */
  maxFramedJsonBytes: 1 * MiB,
  /** In JSON: most characters of a string that encodes a number, enum, timestamp, duration or field mask. */
  maxJsonScalarChars: 16 * KiB,
  /** In JSON: most characters of a number literal. */
  maxJsonNumberChars: 64,
  /** Most violations one error lists; the rest are summarised. */
  maxViolations: 100,
} as const;

/** What applies to a field no rule names. */
export const DEFAULT_FIELD_LIMITS = {
  text: { maxChars: 4 * KiB },
  maxItems: 1_000,
  key: { maxChars: 256 },
  maxJsonBytes: 1 * MiB,
  /** Keys of the members of a Struct (at any depth). */
  jsonKey: { maxChars: 1 * KiB },
} as const;

const identifier: FieldLimit = { text: { maxChars: MAX_NAME_LENGTH } };
const note: FieldLimit = { text: { maxChars: MAX_NOTE_LENGTH } };
const path: FieldLimit = { text: { maxChars: 4 * KiB } };
const url: FieldLimit = { text: { maxChars: 2 * KiB } };

/**
 * Limits by proto field name, whatever message the field is in (`id` is a UUID in every request
 * message that has one).
 */
export const LIMITS_BY_NAME: Readonly<Record<string, FieldLimit>> = {
  id: { text: { uuid: true, maxChars: 36 } },
  name: identifier,
  label: { text: { maxChars: 63 } },
  tag: { text: { maxChars: 64 } },
  tags: { text: { maxChars: 64 }, maxItems: MAX_TAGS },
  request_id: { text: { maxChars: 200 } },
  etag: { text: { maxChars: 128 } },
  page_token: { text: { maxChars: 1 * KiB } },
  text: { text: { maxChars: 256 } },
  description: { text: { maxChars: MAX_DESCRIPTION_LENGTH } },
  change_note: note,
  reason: note,
  message: note,
  step_id: identifier,
  depends_on: { text: { maxChars: MAX_NAME_LENGTH }, maxItems: 200 },
  output: identifier,
  workflow_input: identifier,
  fallback_workflow: identifier,
  uses_mcp: identifier,
  workflow: identifier,
  secrets: { text: { maxChars: MAX_NAME_LENGTH }, maxItems: 32 },
  api_key_secret: identifier,
  api_key_env: identifier,
  model: { text: { maxChars: 256 } },
  tool_name: { text: { maxChars: 256 } },
  input_variables: { text: { maxChars: 256 }, maxItems: 1_000 },
  output_variables: { text: { maxChars: 256 }, maxItems: 1_000 },
  url,
  base_url: url,
  script_path: path,
  notebook_path: path,
  command: path,
  cwd: path,
  args: { text: { maxChars: 4 * KiB }, maxItems: 1_000 },
  requirements: { text: { maxChars: 1 * KiB }, maxItems: 100 },
  env: { key: { maxChars: 256 }, text: { maxChars: 8 * KiB }, maxItems: 256 },
  headers: { key: { maxChars: 256 }, text: { maxChars: 8 * KiB }, maxItems: 256 },
  tools: { maxItems: 64 },
  steps: { maxItems: 1_000 },
  statuses: { maxItems: 16 },
  cells_to_execute: { maxItems: 10_000 },
  /** `google.protobuf.FieldMask.paths`: update masks. */
  paths: { text: { maxChars: 256 }, maxItems: 64 },
};

/** Limits of particular fields, by full proto name; they win over {@link LIMITS_BY_NAME}. */
export const LIMITS_BY_FIELD: Readonly<Record<string, FieldLimit>> = {
  "mcp.registry.v1.PythonScriptConfig.script_content": { text: { maxBytes: 1 * MiB } },
  "mcp.registry.v1.JupyterNotebookConfig.notebook_content": { text: { maxBytes: 5 * MiB } },
  "mcp.registry.v1.LlmPromptConfig.template": { text: { maxChars: 100_000 } },
  "mcp.registry.v1.LlmPromptConfig.system_prompt": { text: { maxChars: 100_000 } },
  "mcp.registry.v1.AiAssistantConfig.system_prompt": { text: { maxChars: 100_000 } },
  "mcp.executor.v1.PutSecretRequest.value": { text: { maxBytes: 64 * KiB } },
  "mcp.workflows.v1.Step.name": { text: { maxChars: 200 } },
  "mcp.workflows.v1.Step.inputs": { key: { maxChars: MAX_NAME_LENGTH }, maxItems: 100 },
  "mcp.workflows.v1.WorkflowSpec.inputs": { maxItems: 100 },
  "mcp.workflows.v1.WorkflowSpec.outputs": { maxItems: 100 },
  "mcp.workflows.v1.WorkflowInput.description": { text: { maxChars: 2_000 } },
  "mcp.workflows.v1.ForEach.path": { text: { maxChars: 512 } },
  "mcp.workflows.v1.StepInput.item": { text: { maxChars: 512 } },
  "mcp.registry.v1.McpFilter.types": { maxItems: 8 },
  "mcp.registry.v1.McpFilter.labels": { text: { maxChars: 63 }, maxItems: MAX_TAGS },
};
