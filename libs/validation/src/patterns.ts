import { posix, win32 } from "node:path";

/** A UUID in canonical 8-4-4-4-12 hex form (any version, either case). */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An MCP name: a letter, then letters, digits, `_`, `.` or `-` (length is checked separately). */
export const MCP_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;

/** A tag: 1-64 characters of `a-z0-9_.:-`, starting with a letter or digit. */
export const TAG = /^[a-z0-9][a-z0-9_.:-]{0,63}$/;

/** A version label: 1-63 characters of `a-z0-9_-`, starting with a letter. */
export const LABEL = /^[a-z][a-z0-9_-]{0,62}$/;

/** The label the registry moves by itself; callers cannot set or delete it. */
export const RESERVED_LABEL = "latest";

/** A signal's name (`wait_for_signal`, SignalRun): 1-128 characters of `A-Za-z0-9_.-`. */
export const SIGNAL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

/** The name of an environment variable holding a secret, e.g. `OPENAI_API_KEY`. */
export const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/;

/** Any environment variable name, either case, e.g. `Path` or `NODE_ENV`. */
export const ENV_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An identifier usable as a template variable or Python variable, e.g. `user_name`. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** An HTTP header name (RFC 9110 token). */
export const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Whether `value` is an absolute `http:` or `https:` URL with a host. */
export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname !== "";
  } catch {
    return false;
  }
}

/** Whether `value` is an absolute file path (POSIX `/…` or Windows `C:\…`). */
export function isAbsolutePath(value: string): boolean {
  return posix.isAbsolute(value) || win32.isAbsolute(value);
}

/** Whether `value` contains a line break. */
export function hasLineBreak(value: string): boolean {
  return /[\r\n]/.test(value);
}
