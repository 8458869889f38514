import { constants } from "node:fs";
import { lstat, open } from "node:fs/promises";

/** A file larger than this (a script's output.json, the notebook driver's result.json) is rejected rather than parsed. */
export const MAX_OUTPUT_FILE_BYTES = 16 * 1024 * 1024;

/** What a sandboxed Python process left at a path of its work dir (a script's argv[2], the notebook driver's result). */
export type ScriptOutputFile =
  | { readonly kind: "missing" }
  | { readonly kind: "not-a-file" }
  | { readonly kind: "too-large"; readonly bytes: number }
  | { readonly kind: "text"; readonly text: string };

/**
 * Reads a file the sandboxed process left in its work dir, refusing to load one over
 * {@link MAX_OUTPUT_FILE_BYTES}. The process chose what is at that path: a symlink (to a host file the
 * executor may read and the sandbox may not), a FIFO or a device is "not a file" and never opened.
 */
export async function readScriptOutput(path: string): Promise<ScriptOutputFile> {
  const info = await lstat(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return undefined;
    throw error;
  });
  if (info === undefined) return { kind: "missing" };
  if (!info.isFile()) return { kind: "not-a-file" };
  if (info.size > MAX_OUTPUT_FILE_BYTES) return { kind: "too-large", bytes: info.size };
  const file = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const opened = await file.stat();
    if (!opened.isFile()) return { kind: "not-a-file" };
    if (opened.size > MAX_OUTPUT_FILE_BYTES) return { kind: "too-large", bytes: opened.size };
    return { kind: "text", text: await file.readFile("utf8") };
  } finally {
    await file.close();
  }
}
