import { cleanup } from "@testing-library/react";
import { afterEach } from "vitest";

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
