// Fails the build when the JavaScript the first page loads is over budget: the scripts and module
// preloads that dist/index.html names, gzipped. What loads later (pages, CodeMirror) is not counted.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

const BUDGET_BYTES = 400 * 1024;
const dist = join(import.meta.dirname, "..", "dist");
const html = readFileSync(join(dist, "index.html"), "utf8");
const entries = [
  ...html.matchAll(/<script[^>]*\ssrc="([^"]+\.js)"/g),
  ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g),
].map((m) => m[1]);
if (entries.length === 0) {
  console.error("check-bundle: dist/index.html names no script");
  process.exit(1);
}
let total = 0;
for (const src of new Set(entries)) {
  const size = gzipSync(readFileSync(join(dist, src.replace(/^\//, "")))).length;
  total += size;
  console.log(`check-bundle: ${src} ${(size / 1024).toFixed(1)} kB gzipped`);
}
const verdict = total <= BUDGET_BYTES ? "within" : "OVER";
console.log(
  `check-bundle: first page ${(total / 1024).toFixed(1)} kB gzipped, ${verdict} the ${BUDGET_BYTES / 1024} kB budget`,
);
if (total > BUDGET_BYTES) process.exit(1);
