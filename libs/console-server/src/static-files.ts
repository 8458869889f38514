import type { IncomingMessage, ServerResponse } from "node:http";
import sirv from "sirv";

/** Long enough to never expire in practice; only safe for files whose name carries a content hash. */
export const IMMUTABLE = "public, max-age=31536000, immutable";
/** Revalidate every time (cheap: ETag / 304). */
export const REVALIDATE = "no-cache";

/**
 * Vite writes the bundle to `assets/` with a content hash in every file name
 * (`assets/index-B1a2c3d4.js`), so a changed file always has a new URL. A path with an extension
 * never falls back to index.html (see {@link staticFiles}), so this only matches real assets.
 */
const HASHED_ASSET = /^\/assets\/[^/]+\.\w+$/;

export type StaticHandler = (req: IncomingMessage, res: ServerResponse) => void;

/**
 * Serves the built single-page app in `distDir` (sirv, the file list read once at start):
 * - files get their content type, an ETag and `X-Content-Type-Options: nosniff`;
 * - hashed assets under `/assets/` are cached for a year, everything else (index.html, files from
 *   Vite's `public/`) is revalidated on every load, so a new build is picked up at once;
 * - an unknown path without an extension (a client-side route such as `/mcps/echo`) gets
 *   index.html; an unknown path with one (`/missing.js`) gets 404;
 * - only files inside `distDir` can be served: requests are looked up in the list of its files.
 */
export function staticFiles(distDir: string): StaticHandler {
  const serve = sirv(distDir, {
    single: true,
    etag: true,
    dotfiles: false,
    setHeaders(res, pathname) {
      res.setHeader("Cache-Control", HASHED_ASSET.test(pathname) ? IMMUTABLE : REVALIDATE);
      res.setHeader("X-Content-Type-Options", "nosniff");
    },
    onNoMatch(_req, res) {
      res.statusCode = 404;
      res.setHeader("Content-Type", "text/plain; charset=utf-8");
      res.setHeader("Cache-Control", REVALIDATE);
      res.end("not found\n");
    },
  });
  return (req, res) => serve(req, res);
}
