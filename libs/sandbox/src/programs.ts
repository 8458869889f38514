import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** System folders searched after PATH: helpers such as `ip` live in sbin, often off a service's PATH. */
const SYSTEM_FOLDERS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/** Where programs are looked for by default: PATH's absolute folders, then the system folders. */
export function programFolders(path = process.env.PATH ?? ""): string[] {
  return [...path.split(delimiter).filter((folder) => folder.startsWith("/")), ...SYSTEM_FOLDERS];
}

/**
 * `name` looked up in the system folders first, then in `folders`: for a helper any copy will do, where
 * a wrapper found earlier on PATH would cost a start (a pyenv shim takes ~250 ms to start python3,
 * /usr/bin/python3 ~20 ms).
 */
export function findSystemProgram(
  name: string,
  folders: readonly string[] = programFolders(),
): string | undefined {
  return findProgram(name, [...SYSTEM_FOLDERS, ...folders]);
}

/** The absolute path of the executable `name` in the first of `folders` that has it, or undefined. */
export function findProgram(name: string, folders: readonly string[] = programFolders()): string | undefined {
  for (const folder of folders) {
    const candidate = join(folder, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
