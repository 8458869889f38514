import { InvalidArgumentError, type Command } from "commander";
import type { Io } from "../output.js";
import { login } from "../sign-in/login.js";
import { logout } from "../sign-in/session.js";

const seconds = (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new InvalidArgumentError("--timeout must be a whole number of seconds");
  return n;
};

/** `mcp login` and `mcp logout` (sign-in with OpenID Connect; they call no service). */
export function addSignInCommands(
  program: Command,
  io: Io,
  env: NodeJS.ProcessEnv,
  done: (run: () => Promise<number>) => () => Promise<void>,
): void {
  program
    .command("login")
    .description(
      "sign in with OpenID Connect in a browser (authorization code + PKCE, redirect to 127.0.0.1); later commands send the token",
    )
    .option("--issuer <url>", "the OpenID provider (env OIDC_ISSUER_URL)")
    .option("--client-id <id>", "the platform's client id at the provider (env OIDC_CLIENT_ID)")
    .option(
      "--scopes <scopes>",
      'space-separated (env OIDC_SCOPES, default "openid email profile offline_access")',
    )
    .option("--no-browser", "only print the URL to open (no browser is started)")
    .option("--timeout <seconds>", "how long to wait for the sign-in", seconds, 300)
    .action(
      (opts: { issuer?: string; clientId?: string; scopes?: string; browser: boolean; timeout: number }) =>
        done(() =>
          login(io, env, {
            ...(opts.issuer ? { issuer: opts.issuer } : {}),
            ...(opts.clientId ? { clientId: opts.clientId } : {}),
            ...(opts.scopes ? { scopes: opts.scopes } : {}),
            browser: opts.browser,
            timeoutSeconds: opts.timeout,
          }),
        )(),
    );

  program
    .command("logout")
    .description("forget the stored sign-in (and revoke its refresh token at the provider)")
    .action(() => done(() => logout(io, env))());
}
