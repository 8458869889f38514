/**
 * A real OpenID Connect provider on loopback for sign-in tests: the `oidc-provider` package (the
 * certified Node.js implementation), issuing RS256 ID tokens, with its development login and consent
 * pages (any login and password; the account id is the login, its email `<login>@example.test`,
 * verified). One public client (`mcp-platform`, PKCE, native: any loopback port) for the console and
 * the CLI, and a second one (`other-app`) whose tokens carry another audience.
 *
 *   const idp = await startOidcProvider();                  // idp.issuer, idp.clientId
 *   const { idToken } = await idp.signIn("alice");          // the code flow over plain HTTP
 *   await idp.rotateKeys();                                 // new signing key first, old one still published
 *   const forged = await idp.mint({ sub: "x" }, { key: otherKey });
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { SignJWT, exportJWK, generateKeyPair, type JWK, type JWTPayload, type CryptoKey } from "jose";
import Provider from "oidc-provider";

export const CLIENT_ID = "mcp-platform";
export const OTHER_CLIENT_ID = "other-app";
/** The callback path the console uses (console/src/auth). */
export const CONSOLE_CALLBACK_PATH = "/signin/callback";

/** An RS256 key pair: the private half signs, the public JWK is what the provider publishes. */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: CryptoKey;
  readonly privateJwk: JWK;
}

/** A fresh RS256 key with a random key id. */
export async function newSigningKey(): Promise<SigningKey> {
  const { privateKey } = await generateKeyPair("RS256", { extractable: true });
  const kid = randomBytes(8).toString("hex");
  return { kid, privateKey, privateJwk: { ...(await exportJWK(privateKey)), kid, alg: "RS256", use: "sig" } };
}

/** Tokens from a code flow. */
export interface SignedIn {
  readonly idToken: string;
  readonly refreshToken: string | undefined;
}

export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>` */
  readonly issuer: string;
  readonly clientId: string;
  /** The keys it publishes, the signing one first. */
  keys(): readonly SigningKey[];
  /** Publishes a new signing key (first) beside the old ones, as a provider rotating its keys does. */
  rotateKeys(): Promise<SigningKey>;
  /** The authorization code flow with PKCE for `login`, driven over HTTP through the login and consent pages. */
  signIn(login: string, options?: { clientId?: string }): Promise<SignedIn>;
  /**
   * How many refresh-token grants it has answered. A refreshed ID token can be byte for byte the old
   * one (RS256 signs deterministically, and `iat` counts seconds), so this is how a test sees a refresh.
   */
  refreshes(): number;
  /** A JWT with this issuer and the client as audience by default, signed with `key` (default: the signing key). */
  mint(claims: JWTPayload, options?: { key?: SigningKey; alg?: string }): Promise<string>;
  stop(): Promise<void>;
}

/** Starts the provider on a free loopback port. */
export async function startOidcProvider(): Promise<TestOidcProvider> {
  const server: Server = createServer((req, res) => {
    if (!handler) return void res.writeHead(503).end();
    void handler(req, res);
  });
  let handler: ReturnType<Provider["callback"]> | undefined;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let keys: SigningKey[] = [await newSigningKey()];
  let refreshes = 0;

  const configure = () => {
    const provider = quietly(
      () =>
        new Provider(issuer, {
          clients: [
            {
              client_id: CLIENT_ID,
              application_type: "native",
              token_endpoint_auth_method: "none",
              grant_types: ["authorization_code", "refresh_token"],
              response_types: ["code"],
              // Loopback redirects of native clients match on any port (RFC 8252 §7.3).
              redirect_uris: [`http://127.0.0.1${CONSOLE_CALLBACK_PATH}`, "http://127.0.0.1/callback"],
            },
            {
              client_id: OTHER_CLIENT_ID,
              application_type: "native",
              token_endpoint_auth_method: "none",
              grant_types: ["authorization_code"],
              response_types: ["code"],
              redirect_uris: ["http://127.0.0.1/callback"],
            },
          ],
          jwks: { keys: keys.map((k) => k.privateJwk) },
          cookies: { keys: ["oidc-test-cookie-key"] },
          claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
          // Scope claims in the ID token (what the platform verifies), as most providers do.
          conformIdTokenClaims: false,
          findAccount: (_ctx, id) => ({
            accountId: id,
            claims: () => ({
              sub: id,
              email: `${id}@example.test`,
              email_verified: true,
              name: `User ${id}`,
            }),
          }),
          features: { devInteractions: { enabled: true } },
          clientBasedCORS: (_ctx, origin) => /^http:\/\/127\.0\.0\.1:\d+$/.test(origin),
          ttl: {
            IdToken: 3600,
            AccessToken: 3600,
            RefreshToken: 86_400,
            Session: 86_400,
            Grant: 86_400,
            Interaction: 600,
          },
        }),
    );
    provider.on("grant.success", (ctx: { oidc: { params?: { grant_type?: unknown } } }) => {
      if (ctx.oidc.params?.grant_type === "refresh_token") refreshes += 1;
    });
    handler = provider.callback();
  };
  configure();

  const provider: TestOidcProvider = {
    issuer,
    clientId: CLIENT_ID,
    keys: () => keys,
    async rotateKeys() {
      const key = await newSigningKey();
      keys = [key, ...keys];
      configure();
      return key;
    },
    signIn: (login, options = {}) => codeFlow(issuer, options.clientId ?? CLIENT_ID, login),
    refreshes: () => refreshes,
    async mint(claims, options = {}) {
      const key = options.key ?? keys[0]!;
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: issuer, aud: CLIENT_ID, iat: now, exp: now + 600, ...claims })
        .setProtectedHeader({ alg: options.alg ?? "RS256", kid: key.kid, typ: "JWT" })
        .sign(key.privateKey);
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return provider;
}

/** Runs `fn` without the provider's development-mode warnings (in-memory store, dev login pages: intended here). */
function quietly<T>(fn: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).startsWith("oidc-provider WARNING")) warn(...args);
  };
  try {
    return fn();
  } finally {
    console.warn = warn;
  }
}

/** An unsigned (`alg: none`) JWT with these claims. */
export function unsignedJwt(claims: JWTPayload): string {
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString("base64url");
  return `${part({ alg: "none", typ: "JWT" })}.${part(claims)}.`;
}

/**
 * Follows an authorization URL through the provider's development login and consent pages with a
 * plain HTTP client (cookies kept), as a person's browser would, and returns the URL the provider
 * finally redirects to (the client's redirect URI with `code` and `state`) without requesting it.
 */
export async function approveInBrowserlessSession(authorizeUrl: string, login: string): Promise<URL> {
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
  const keep = (res: Response) => {
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim());
    }
  };
  const origin = new URL(authorizeUrl).origin;
  let url = new URL(authorizeUrl);
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    if (url.origin !== origin) return url; // left the provider: the client's redirect URI
    const res = await fetch(url, {
      method: body ? "POST" : "GET",
      redirect: "manual",
      headers: {
        cookie: cookieHeader(),
        ...(body ? { "content-type": "application/x-www-form-urlencoded" } : {}),
      },
      body,
    });
    keep(res);
    body = undefined;
    const location = res.headers.get("location");
    if (location) {
      url = new URL(location, url);
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    if (res.status !== 200 || !action)
      throw new Error(
        `the provider answered ${res.status} at ${url.pathname} without a form: ${html.slice(0, 300)}`,
      );
    url = new URL(action.replace(/&amp;/g, "&"), url);
    body = html.includes('name="login"')
      ? new URLSearchParams({ prompt: "login", login, password: "any" })
      : new URLSearchParams({ prompt: "consent" });
  }
  throw new Error("too many redirects in the sign-in flow");
}

/** The authorization code flow with PKCE for a loopback client, all over HTTP; returns its tokens. */
async function codeFlow(issuer: string, clientId: string, login: string): Promise<SignedIn> {
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const redirectUri = "http://127.0.0.1:9/callback"; // never requested: the code is read off the redirect
  const authorize = new URL(`${issuer}/auth`);
  authorize.search = new URLSearchParams({
    client_id: clientId,
    response_type: "code",
    scope: "openid email profile offline_access",
    redirect_uri: redirectUri,
    code_challenge: challenge,
    code_challenge_method: "S256",
    state: randomBytes(8).toString("hex"),
    prompt: "consent",
  }).toString();
  const back = await approveInBrowserlessSession(authorize.toString(), login);
  const code = back.searchParams.get("code");
  if (!code) throw new Error(`no code in the redirect: ${back.toString()}`);
  const res = await fetch(`${issuer}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: redirectUri,
      client_id: clientId,
      code_verifier: verifier,
    }),
  });
  const tokens = (await res.json()) as { id_token?: string; refresh_token?: string; error?: string };
  if (!tokens.id_token) throw new Error(`token endpoint answered ${res.status}: ${JSON.stringify(tokens)}`);
  return { idToken: tokens.id_token, refreshToken: tokens.refresh_token };
}
