import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A one-shot HTTP listener on 127.0.0.1 that receives the provider's redirect (RFC 8252 §7.3). */
export interface LoopbackRedirect {
  /** `http://127.0.0.1:<port>/callback` */
  readonly redirectUri: string;
  /** The full URL the browser was redirected to (with `code` and `state`, or `error`). */
  readonly received: Promise<URL>;
  close(): void;
}

/** Listens on a free port of 127.0.0.1; the first request to `/callback` resolves `received`. */
export async function listenForRedirect(timeoutMs: number): Promise<LoopbackRedirect> {
  let resolve!: (url: URL) => void;
  let reject!: (err: Error) => void;
  const received = new Promise<URL>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", redirectUri);
    if (url.pathname !== "/callback") return void res.writeHead(404).end();
    const failed = url.searchParams.get("error");
    res.writeHead(200, { "content-type": "text/plain; charset=utf-8", connection: "close" });
    res.end(
      failed
        ? `Sign-in failed: ${failed}. You can close this window.`
        : "Signed in to the MCP platform. You can close this window.",
    );
    resolve(url);
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const redirectUri = `http://127.0.0.1:${(server.address() as AddressInfo).port}/callback`;
  const timer = setTimeout(
    () => reject(new Error(`no sign-in within ${Math.round(timeoutMs / 1000)} s`)),
    timeoutMs,
  );
  return {
    redirectUri,
    received,
    close: () => {
      clearTimeout(timer);
      server.closeAllConnections();
      server.close();
    },
  };
}
