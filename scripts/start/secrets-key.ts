import { randomBytes } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseSecretsKeyring, SecretsKeyError } from "@mcp/executor/config";
import { LaunchError } from "./plan.js";

/** The file under the data dir that holds the generated key. */
export const SECRETS_KEY_FILE = "secrets.key";

/**
 * Gives the executor(s) a SECRETS_KEY when none is set: a random 32-byte key created once in
 * `<dataDir>/secrets.key` (mode 0600) and read again at every later start, so the secrets stay
 * readable. Sets `env.SECRETS_KEY`; says what it did (never the key). A key file that is not a valid
 * key stops the start, naming the file.
 */
export async function ensureSecretsKey(
  env: NodeJS.ProcessEnv,
  dataDir: string,
  say: (message: string) => void,
): Promise<void> {
  if (env["SECRETS_KEY"]?.trim()) return;
  const file = join(dataDir, SECRETS_KEY_FILE);
  await mkdir(dataDir, { recursive: true });
  let created = false;
  try {
    await writeFile(file, `${randomBytes(32).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    await chmod(file, 0o600); // whatever the umask
    created = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  const key = (await readFile(file, "utf8")).trim();
  try {
    parseSecretsKeyring(key, file);
  } catch (err) {
    if (err instanceof SecretsKeyError) {
      throw new LaunchError(
        `${err.message}; fix or remove it (secrets sealed with it are then lost), or set SECRETS_KEY`,
        2,
      );
    }
    throw err;
  }
  if (((await stat(file)).mode & 0o077) !== 0) {
    say(`warning: ${file} is readable by other users; run chmod 600 on it`);
  }
  env["SECRETS_KEY"] = key;
  say(
    created
      ? `no SECRETS_KEY: created a secrets key in ${file} (mode 0600); keep it: the secrets cannot be read without it`
      : `no SECRETS_KEY: using the secrets key in ${file}`,
  );
}
