/** The fallback search path when the executor itself has no PATH. */
const DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

/**
 * The whole environment an untrusted script gets: a search path, a home and temp dir of its own,
 * a UTF-8 locale and unbuffered Python. Nothing is inherited from the executor beyond PATH, so
 * database and Redis URLs, API keys and the like never reach the script.
 */
export function scrubbedEnv(options: { home: string; extraPath?: string }): NodeJS.ProcessEnv {
  const basePath = process.env.PATH ?? DEFAULT_PATH;
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

/** {@link scrubbedEnv} plus the executor's pip and proxy settings, for `pip install`. */
export function installEnv(home: string): NodeJS.ProcessEnv {
  const env = scrubbedEnv({ home });
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && INSTALL_PASS_THROUGH.test(name)) env[name] = value;
  }
  return env;
}
