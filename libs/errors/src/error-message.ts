/**
 * The message of anything thrown: an Error's (or an error-like object's, e.g. from another realm such
 * as Node's fetch) `message`, else the value as text; with `cause`, followed by its cause's message in
 * parentheses. The one way the code base turns a caught reason into words (log the error object
 * itself too, for its stack).
 */
export function errorMessage(reason: unknown, options: { cause?: boolean } = {}): string {
  const message = messageField(reason) ?? String(reason);
  if (!options.cause) return message;
  const cause = messageField((reason as { cause?: unknown } | null)?.cause);
  return cause === undefined ? message : `${message} (${cause})`;
}

function messageField(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null || !("message" in value)) return undefined;
  return String(value.message);
}
