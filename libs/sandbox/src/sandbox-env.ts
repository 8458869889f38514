/** The search path inside a bubblewrap sandbox: only the system folders are there. */
export const SANDBOX_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * The whole environment an untrusted process gets: a search path (default: the sandbox's), a home
 * and temp dir of its own, a UTF-8 locale and unbuffered Python. Nothing is inherited from the
 * executor, so database and Redis URLs, API keys and the like never reach the process; what it may
 * have (its secrets, a stdio server's configured variables) the caller adds.
 */
export function sandboxEnv(options: {
  home: string;
  extraPath?: string;
  basePath?: string;
}): NodeJS.ProcessEnv {
  const basePath = options.basePath ?? SANDBOX_PATH;
  return {
    PATH: options.extraPath === undefined ? basePath : `${options.extraPath}:${basePath}`,
    HOME: options.home,
    TMPDIR: options.home,
    LANG: "C.UTF-8",
    LC_ALL: "C.UTF-8",
    PYTHONUNBUFFERED: "1",
    PYTHONDONTWRITEBYTECODE: "1",
  };
}

/** Variables that configure pip (index, proxy, certificates); passed to installs, never to scripts. */
const INSTALL_PASS_THROUGH =
  /^(PIP_[A-Z0-9_]+|https?_proxy|HTTPS?_PROXY|no_proxy|NO_PROXY|SSL_CERT_FILE|SSL_CERT_DIR)$/;

/** {@link sandboxEnv} plus the executor's pip and proxy settings, for `pip install`. */
export function installEnv(home: string, basePath?: string): NodeJS.ProcessEnv {
  const env = sandboxEnv({ home, ...(basePath === undefined ? {} : { basePath }) });
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && INSTALL_PASS_THROUGH.test(name)) env[name] = value;
  }
  return env;
}
