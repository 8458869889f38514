import { cleanup, configure } from "@testing-library/react";
import { afterEach } from "vitest";

// findBy* and waitFor wait on a condition for up to this long (Testing Library's default is 1 s).
// A lazy chunk (CodeMirror) loads in well under a second alone, but took longer than that once while
// the rest of `npm test` ran beside it on two cores; a test still fails at its first unmet
// condition, only later, and within the test's own timeout (vite.config.ts).
configure({ asyncUtilTimeout: 10_000 });

// Unmount what a test rendered, so the next test starts from an empty document.
afterEach(() => {
  cleanup();
  localStorage.clear();
});

// jsdom lays nothing out: CodeMirror measures text ranges, which jsdom's Range cannot do.
for (const method of ["getClientRects", "getBoundingClientRect"] as const) {
  if (!(method in Range.prototype)) {
    Object.defineProperty(Range.prototype, method, {
      value: method === "getClientRects" ? () => [] : () => new DOMRect(0, 0, 0, 0),
    });
  }
}
