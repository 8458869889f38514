import { CONSOLE_SERVICE_KEYS, type ConsoleConfig, type ConsoleServiceKey } from "./config.js";

/** The body of `GET /config.json`: where the browser app calls each service (and finds a run's trace). */
export type BrowserConfig = Record<ConsoleServiceKey, string> & { traceUrl?: string };

const LOOPBACK = new Set(["127.0.0.1", "localhost", "0.0.0.0", "[::1]", "[::]"]);

/** The host name in a request's `Host` header, or undefined when it is missing or malformed. */
function requestHostname(hostHeader: string | undefined): string | undefined {
  if (!hostHeader) return undefined;
  try {
    const url = new URL(`http://${hostHeader}`);
    if (url.username || url.password || url.pathname !== "/" || url.search || url.hash) return undefined;
    return url.hostname;
  } catch {
    return undefined;
  }
}

/**
 * What `/config.json` answers to a request that reached the console as `hostHeader`. Explicit URLs
 * are served as configured; a defaulted loopback URL takes the request's host name (and keeps its
 * port and scheme), so the console works from another machine too.
 */
export function browserConfig(
  services: ConsoleConfig["services"],
  hostHeader: string | undefined,
  traceUrl?: string,
): BrowserConfig {
  const hostname = requestHostname(hostHeader);
  const body = {} as BrowserConfig;
  for (const key of CONSOLE_SERVICE_KEYS) {
    const { url, explicit } = services[key];
    const parsed = new URL(url);
    if (!explicit && hostname && LOOPBACK.has(parsed.hostname) && !LOOPBACK.has(hostname)) {
      parsed.hostname = hostname;
      body[key] = parsed.toString().replace(/\/+$/, "");
    } else {
      body[key] = url;
    }
  }
  if (traceUrl) body.traceUrl = traceUrl;
  return body;
}
