import { describe, expect, it } from "vitest";
import { isShortRunId } from "./short-run-id";

describe("isShortRunId", () => {
  it("is true for the start of a run id, 8+ hex digits, hyphens allowed", () => {
    expect(isShortRunId("3f2a9c1b")).toBe(true);
    expect(isShortRunId("3F2A9C1B-12")).toBe(true);
  });

  it("is false for a whole id, too few digits, or anything else", () => {
    expect(isShortRunId("3f2a9c1b-1234-4abc-8def-0123456789ab")).toBe(false);
    expect(isShortRunId("3f2a9c1")).toBe(false);
    expect(isShortRunId("run-1")).toBe(false);
    expect(isShortRunId("nope")).toBe(false);
  });
});
