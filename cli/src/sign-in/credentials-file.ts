import { chmod, mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** A sign-in kept between commands (`mcp login`). */
export interface StoredSignIn {
  readonly issuer: string;
  readonly clientId: string;
  readonly scopes: string;
  /** Sent as `authorization: Bearer`: the ID token, whose audience is the client id. */
  readonly idToken: string;
  readonly refreshToken: string | undefined;
  /** When `idToken` expires (ms since the epoch). */
  readonly expiresAt: number;
  /** Who signed in, for messages: the verified email, else the subject. */
  readonly user: string;
}

/** The CLI's config file: `MCP_CONFIG`, else `$XDG_CONFIG_HOME/mcp/config.json` (default `~/.config`). */
export function configFilePath(env: NodeJS.ProcessEnv): string {
  if (env["MCP_CONFIG"]?.trim()) return env["MCP_CONFIG"].trim();
  const base = env["XDG_CONFIG_HOME"]?.trim() || join(homedir(), ".config");
  return join(base, "mcp", "config.json");
}

/** The stored sign-in, or undefined when there is none (no file, or signed out). */
export async function readSignIn(path: string): Promise<StoredSignIn | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  const parsed = JSON.parse(text) as { signIn?: StoredSignIn };
  return parsed.signIn;
}

/**
 * Stores (or, with undefined, removes) the sign-in. The file holds tokens: it is written to a
 * temporary file created with mode 0600 in a 0700 folder and renamed over the old one, so it is
 * never readable by others, not even for a moment.
 */
export async function writeSignIn(path: string, signIn: StoredSignIn | undefined): Promise<void> {
  let rest: Record<string, unknown> = {};
  try {
    rest = JSON.parse(await readFile(path, "utf8")) as Record<string, unknown>;
  } catch {
    // no file yet (or unreadable): start afresh
  }
  delete rest["signIn"];
  const next = signIn === undefined ? rest : { ...rest, signIn };
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  await rm(tmp, { force: true });
  await writeFile(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600, flag: "wx" });
  await chmod(tmp, 0o600);
  await rename(tmp, path);
}
