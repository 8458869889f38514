import { ConflictError } from "@mcp/errors";

/** The opaque concurrency token of a row version. */
export function etagOf(rowVersion: number): string {
  return `r${rowVersion}`;
}

/** Throws ABORTED when the caller sent an etag that is not the current one ("" = no check). */
export function checkEtag(resource: string, key: string, given: string, rowVersion: number): void {
  const current = etagOf(rowVersion);
  if (given !== "" && given !== current) throw new ConflictError(resource, key, given, current);
}
