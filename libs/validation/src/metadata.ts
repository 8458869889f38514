import type { FieldViolation } from "@mcp/errors";
import {
  checkAtLeast,
  checkMaxItems,
  checkMaxLength,
  checkPattern,
  checkRequired,
  checkUnique,
  indexPath,
} from "./checks.js";
import { TAG } from "./patterns.js";

/** Longest MCP description. */
export const MAX_DESCRIPTION_LENGTH = 10_000;
/** Most tags on one MCP. */
export const MAX_TAGS = 32;
/** Longest change note, deprecation message or label-move reason. */
export const MAX_NOTE_LENGTH = 2_000;

/** Checks a description: at most 10000 characters. */
export function checkDescription(description: string, field = "description"): FieldViolation[] {
  return checkMaxLength(description, MAX_DESCRIPTION_LENGTH, field);
}

/** Checks tags: at most 32, each 1-64 characters of `a-z0-9_.:-` starting with a letter or digit, no repeats. */
export function checkTags(tags: readonly string[], field = "tags"): FieldViolation[] {
  return [
    ...checkMaxItems(tags, MAX_TAGS, field),
    ...tags.flatMap((tag, i) => checkTag(tag, indexPath(field, i))),
    ...checkUnique(tags, field),
  ];
}

/** Checks one tag (also a ListMcps tag filter). */
export function checkTag(tag: string, field: string): FieldViolation[] {
  return [
    ...checkRequired(tag, field),
    ...checkPattern(
      tag,
      TAG,
      "1-64 characters of a-z, 0-9, '_', '.', ':' or '-', starting with a letter or digit",
      field,
    ),
  ];
}

/** Checks a free-text note (change note, reason): at most 2000 characters. */
export function checkNote(note: string, field: string): FieldViolation[] {
  return checkMaxLength(note, MAX_NOTE_LENGTH, field);
}

/** Checks a page size: 0 (the default) or more; sizes above the cap are capped, not rejected. */
export function checkPageSize(pageSize: number, field = "page_size"): FieldViolation[] {
  return checkAtLeast(pageSize, 0, field);
}
