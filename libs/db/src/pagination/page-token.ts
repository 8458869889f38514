import { createHash } from "node:crypto";
import { InvalidArgumentError } from "@mcp/errors";

/** Default and maximum page sizes for every List RPC. */
export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 500;

/**
 * Clamps a requested page size: 0 (unset) → default; above the maximum → the maximum.
 * Negative sizes are rejected.
 */
export function pageSize(requested: number, field = "page_size"): number {
  if (!Number.isInteger(requested) || requested < 0) {
    throw InvalidArgumentError.field(field, `must be a non-negative integer, got ${requested}`);
  }
  if (requested === 0) return DEFAULT_PAGE_SIZE;
  return Math.min(requested, MAX_PAGE_SIZE);
}

/** A keyset position: the sort-key values of the last row of the previous page. */
export type Keyset = readonly (string | number)[];

const fingerprint = (filter: unknown) =>
  createHash("sha256")
    .update(JSON.stringify(filter ?? null))
    .digest("base64url")
    .slice(0, 12);

/**
 * Encodes an opaque page token holding the keyset of the last row and a fingerprint of the filter
 * it was issued for, so a token cannot be replayed against a different query.
 */
export function encodePageToken(keyset: Keyset, filter: unknown): string {
  return Buffer.from(JSON.stringify({ k: keyset, f: fingerprint(filter) })).toString("base64url");
}

/**
 * Decodes a page token ("" = first page → undefined). A token that is malformed or was issued
 * for another filter is an INVALID_ARGUMENT naming `field`.
 */
export function decodePageToken(token: string, filter: unknown, field = "page_token"): Keyset | undefined {
  if (token === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, "base64url").toString("utf8"));
  } catch {
    throw InvalidArgumentError.field(field, "is not a valid page token (pass next_page_token unchanged)");
  }
  const p = parsed as { k?: unknown; f?: unknown } | null;
  if (
    typeof p !== "object" ||
    p === null ||
    !Array.isArray(p.k) ||
    !p.k.every((v) => typeof v === "string" || typeof v === "number")
  ) {
    throw InvalidArgumentError.field(field, "is not a valid page token (pass next_page_token unchanged)");
  }
  if (p.f !== fingerprint(filter)) {
    throw InvalidArgumentError.field(
      field,
      "was issued for a different filter; start again without a page token",
    );
  }
  return p.k;
}

/** One page of results and the token of the next ("" on the last page). */
export interface Page<T> {
  readonly items: T[];
  readonly nextPageToken: string;
}

/**
 * Cuts a query result fetched with `limit + 1` rows into a page: the extra row only proves that a
 * next page exists, whose token is made from the last row kept.
 */
export function toPage<R, T>(
  rows: readonly R[],
  limit: number,
  tokenOf: (last: R) => string,
  map: (row: R) => T,
): Page<T> {
  const items = rows.slice(0, limit);
  const last = items[items.length - 1];
  return {
    items: items.map(map),
    nextPageToken: rows.length > limit && last !== undefined ? tokenOf(last) : "",
  };
}

/** What a List request says about its page: its size, its token, and what the token is bound to. */
export interface PageRequest {
  readonly size: number;
  readonly token: string;
  /** The filter or scope (e.g. `{ mcp: id }`) the token is issued for; another one's token is refused. */
  readonly scope: unknown;
}

/**
 * One keyset page: checks the size and the token, fetches `limit + 1` rows after the token's keyset,
 * and issues the next token from the last row kept (`keysetOf`).
 */
export async function keysetPage<R, T>(
  request: PageRequest,
  fetch: (after: Keyset | undefined, limit: number) => Promise<R[]>,
  keysetOf: (last: R) => Keyset,
  map: (row: R) => T,
): Promise<Page<T>> {
  const limit = pageSize(request.size);
  const after = decodePageToken(request.token, request.scope);
  const rows = await fetch(after, limit + 1);
  return toPage(rows, limit, (last) => encodePageToken(keysetOf(last), request.scope), map);
}
