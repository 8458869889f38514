import { spawn } from "node:child_process";
import * as oidc from "openid-client";
import { CliError, ExitCode } from "../errors.js";
import type { Io } from "../output.js";
import { configFilePath, writeSignIn } from "./credentials-file.js";
import { listenForRedirect } from "./loopback.js";
import { DEFAULT_SCOPES, discover, signInFrom } from "./provider.js";

export interface LoginOptions {
  readonly issuer?: string;
  readonly clientId?: string;
  readonly scopes?: string;
  /** Only print the URL (a machine without a browser: open it elsewhere... on this machine's loopback). */
  readonly browser: boolean;
  readonly timeoutSeconds: number;
}

/**
 * `mcp login`: the authorization code flow with PKCE for a native app (RFC 8252): a one-shot listener
 * on 127.0.0.1:<free port> receives the redirect; the URL to open is printed (and opened in a browser
 * unless `--no-browser`). The tokens go to the config file (0600), where later commands find them.
 */
export async function login(io: Io, env: NodeJS.ProcessEnv, options: LoginOptions): Promise<number> {
  const issuer = options.issuer ?? env["OIDC_ISSUER_URL"]?.trim();
  const clientId = options.clientId ?? env["OIDC_CLIENT_ID"]?.trim();
  if (!issuer || !clientId)
    throw new CliError(
      "mcp login needs the provider: --issuer and --client-id (or OIDC_ISSUER_URL and OIDC_CLIENT_ID)",
      ExitCode.USAGE,
    );
  const scopes = options.scopes ?? (env["OIDC_SCOPES"]?.trim() || DEFAULT_SCOPES);
  const config = await discover(issuer, clientId);
  const redirect = await listenForRedirect(options.timeoutSeconds * 1000);
  try {
    const verifier = oidc.randomPKCECodeVerifier();
    const state = oidc.randomState();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirect.redirectUri,
      scope: scopes,
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: "S256",
      state,
      // OpenID Connect Core §11: a refresh token (offline_access) is granted after consent.
      ...(scopes.split(/\s+/).includes("offline_access") ? { prompt: "consent" } : {}),
    });
    io.err("Open this URL in a browser to sign in:");
    io.out(url.href);
    if (options.browser) openBrowser(url.href);
    let back: URL;
    try {
      back = await redirect.received;
    } catch (err) {
      throw new CliError(`sign-in did not complete: ${(err as Error).message}`, ExitCode.FAILED);
    }
    const denied = back.searchParams.get("error");
    if (denied)
      throw new CliError(
        `the provider refused the sign-in: ${denied}${back.searchParams.has("error_description") ? ` (${back.searchParams.get("error_description")})` : ""}`,
        ExitCode.FAILED,
      );
    let tokens;
    try {
      tokens = await oidc.authorizationCodeGrant(config, back, {
        pkceCodeVerifier: verifier,
        expectedState: state,
      });
    } catch (err) {
      throw new CliError(
        `the provider did not complete the sign-in: ${(err as Error).message}`,
        ExitCode.FAILED,
      );
    }
    const signIn = signInFrom(tokens, { issuer, clientId, scopes });
    const path = configFilePath(env);
    await writeSignIn(path, signIn);
    io.err(
      `Signed in as ${signIn.user} (token saved in ${path}${signIn.refreshToken ? ", refreshed when it expires" : "; no refresh token: sign in again when it expires"}).`,
    );
    return ExitCode.OK;
  } finally {
    redirect.close();
  }
}

/** Opens `url` in the desktop's browser when there is one; failures are silent (the URL is printed). */
function openBrowser(url: string): void {
  const command =
    process.platform === "darwin" ? "open" : process.platform === "win32" ? "explorer" : "xdg-open";
  try {
    const child = spawn(command, [url], { stdio: "ignore", detached: true });
    child.on("error", () => undefined);
    child.unref();
  } catch {
    // no browser launcher: the printed URL is enough
  }
}
