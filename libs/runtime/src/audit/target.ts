/**
 * What a request names, for the audit log: the resource's name or id (`name`, `id`, `run_id`, `email`,
 * or the name/id inside an `mcp`/`workflow` reference), then the sub-resource it touches (`label`,
 * `version`, `step_id`, ...) as `key=value`. Reads only these identifying fields: a secret's `value`,
 * inputs, payloads and comments never reach the log.
 */
const IDENTITY_FIELDS = ["mcp", "workflow", "name", "id", "runId", "email"] as const;
const DETAIL_FIELDS = ["label", "version", "stepId", "fromStepId", "signal"] as const;

/** The identity held by `value`: a non-empty string, a oneof's value, or a reference message's name/id. */
function identityOf(value: unknown, depth = 0): string | undefined {
  if (typeof value === "string") return value || undefined;
  if (typeof value !== "object" || value === null || depth > 3) return undefined;
  const record = value as Record<string, unknown>;
  if ("case" in record && "value" in record) return identityOf(record["value"], depth + 1);
  for (const field of IDENTITY_FIELDS) {
    const found = identityOf(record[field], depth + 1);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The audit target of a request message (empty when it names nothing, e.g. PruneRuns). */
export function auditTarget(request: unknown): string {
  if (typeof request !== "object" || request === null) return "";
  const record = request as Record<string, unknown>;
  const parts: string[] = [];
  const identity = identityOf(record);
  if (identity !== undefined) parts.push(identity);
  for (const field of DETAIL_FIELDS) {
    const value = record[field];
    if ((typeof value === "string" && value !== "") || (typeof value === "number" && value !== 0)) {
      parts.push(`${field}=${value}`);
    }
  }
  return parts.join(" ").slice(0, 512);
}
