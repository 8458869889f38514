import type { FieldViolation } from "@mcp/errors";
import { McpConfigSchema } from "@mcp/proto/registry";
import { indexPath, violation } from "@mcp/validation";

/** Top-level UpdateMcpRequest fields an update_mask may name. */
export const UPDATABLE_FIELDS: readonly string[] = [
  "description",
  "tags",
  "config",
  "input_schema",
  "output_schema",
  "change_note",
];

/** A mask path naming one field of one config kind, e.g. `config.llm_prompt.temperature`. */
export interface ConfigFieldPath {
  /** The full path. */
  readonly path: string;
  /** The kind's proto name, e.g. `llm_prompt`. */
  readonly kind: string;
  /** The field's proto name, e.g. `temperature`. */
  readonly field: string;
}

/**
 * Parses `config.<kind>.<field>`; `undefined` unless the kind is an `McpConfig` kind and the field
 * exists on that kind's config message (looked up in the generated schema).
 */
export function parseConfigFieldPath(path: string): ConfigFieldPath | undefined {
  const [root, kind, field, ...rest] = path.split(".");
  if (root !== "config" || kind === undefined || field === undefined || rest.length > 0) return undefined;
  const kindField = McpConfigSchema.fields.find((f) => f.name === kind);
  if (kindField?.fieldKind !== "message") return undefined;
  return kindField.message.fields.some((f) => f.name === field) ? { path, kind, field } : undefined;
}

/**
 * Checks update_mask paths (at `update_mask.paths[i]`): each is an updatable field or a single
 * config field path, none is repeated, and a config field path is not combined with `config`.
 */
export function checkUpdateMask(paths: readonly string[], field = "update_mask.paths"): FieldViolation[] {
  const out: FieldViolation[] = [];
  const seen = new Set<string>();
  const wholeConfig = paths.includes("config");
  paths.forEach((path, i) => {
    const at = indexPath(field, i);
    if (seen.has(path)) {
      out.push(violation(at, `repeats "${path}"`));
      return;
    }
    seen.add(path);
    if (UPDATABLE_FIELDS.includes(path)) return;
    if (parseConfigFieldPath(path) === undefined) {
      out.push(
        violation(
          at,
          `"${path}" is not updatable: use ${UPDATABLE_FIELDS.join(", ")} or config.<kind>.<field>`,
        ),
      );
    } else if (wholeConfig) {
      out.push(violation(at, `"${path}" overlaps "config"; name one or the other`));
    }
  });
  return out;
}
