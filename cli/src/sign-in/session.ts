import * as oidc from "openid-client";
import { CliError, ExitCode } from "../errors.js";
import type { Io } from "../output.js";
import { configFilePath, readSignIn, writeSignIn } from "./credentials-file.js";
import { discover, signInFrom } from "./provider.js";

/** A token this close to its expiry is refreshed before a command uses it. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * The token of the stored sign-in for a command's calls, refreshed first (and saved) when it expires
 * within a minute; undefined when nobody is signed in. A sign-in that cannot be refreshed is an error
 * that says to run `mcp login` again.
 */
export async function signedInToken(env: NodeJS.ProcessEnv, now = Date.now()): Promise<string | undefined> {
  const path = configFilePath(env);
  const stored = await readSignIn(path);
  if (!stored) return undefined;
  if (stored.expiresAt - now > REFRESH_MARGIN_MS) return stored.idToken;
  if (!stored.refreshToken)
    throw new CliError(`the sign-in of ${stored.user} has expired: run \`mcp login\` again`, ExitCode.USAGE);
  const config = await discover(stored.issuer, stored.clientId);
  let tokens;
  try {
    tokens = await oidc.refreshTokenGrant(config, stored.refreshToken);
  } catch (err) {
    throw new CliError(
      `the sign-in of ${stored.user} has expired and could not be refreshed (${(err as Error).message}): run \`mcp login\` again`,
      ExitCode.USAGE,
    );
  }
  const next = signInFrom(tokens, stored, stored.refreshToken);
  await writeSignIn(path, next);
  return next.idToken;
}

/** `mcp logout`: forgets the stored sign-in and revokes its refresh token at the provider (best effort). */
export async function logout(io: Io, env: NodeJS.ProcessEnv): Promise<number> {
  const path = configFilePath(env);
  const stored = await readSignIn(path);
  if (!stored) {
    io.err("Not signed in.");
    return ExitCode.OK;
  }
  await writeSignIn(path, undefined);
  if (stored.refreshToken) {
    try {
      await oidc.tokenRevocation(await discover(stored.issuer, stored.clientId), stored.refreshToken);
    } catch {
      // the provider may not offer revocation, or be unreachable: the tokens are gone from here anyway
    }
  }
  io.err(`Signed out ${stored.user}.`);
  return ExitCode.OK;
}
