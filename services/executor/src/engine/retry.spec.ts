import { create } from "@bufbuild/protobuf";
import { ErrorStrategy, RetryPolicySchema } from "@mcp/proto/workflows";
import {
  abortableSleep,
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryable,
  resolveRetryPolicy,
} from "./retry.js";
import { failureHandling } from "./strategy.js";
import { spec, step } from "./testing/index.js";

describe("resolveRetryPolicy", () => {
  it("takes each field from the step, else the workflow, else the defaults", () => {
    const own = create(RetryPolicySchema, { maxRetries: 5 });
    const workflow = create(RetryPolicySchema, { maxRetries: 1, initialBackoffMs: 10 });
    expect(resolveRetryPolicy(own, workflow)).toEqual({
      maxRetries: 5,
      initialBackoffMs: 10,
      backoffMultiplier: 2,
      maxBackoffMs: 60_000,
    });
    expect(resolveRetryPolicy(undefined, undefined)).toEqual(DEFAULT_RETRY_POLICY);
  });

  it("keeps an explicit zero instead of the default", () => {
    expect(
      resolveRetryPolicy(create(RetryPolicySchema, { maxRetries: 0, initialBackoffMs: 0 }), undefined),
    ).toMatchObject({
      maxRetries: 0,
      initialBackoffMs: 0,
    });
  });
});

describe("backoffDelayMs", () => {
  const policy = { maxRetries: 9, initialBackoffMs: 100, backoffMultiplier: 3, maxBackoffMs: 1000 };

  it("grows by the multiplier and stops at the maximum (upper end of the jitter)", () => {
    const top = (): number => 1;
    expect([1, 2, 3, 4].map((n) => backoffDelayMs(policy, n, top))).toEqual([100, 300, 900, 1000]);
  });

  it("jitters uniformly down to half the delay", () => {
    expect(backoffDelayMs(policy, 2, () => 0)).toBe(150);
    expect(backoffDelayMs(policy, 2, () => 0.5)).toBe(225);
  });
});

describe("isRetryable", () => {
  it("never retries a cancel, a missing input or an unsupported MCP type", () => {
    expect(
      ["CANCELLED", "MISSING_INPUT", "UNSUPPORTED_MCP_TYPE"].map((c) => isRetryable(c as never)),
    ).toEqual([false, false, false]);
    expect(isRetryable("TIMEOUT")).toBe(true);
    expect(isRetryable("NONZERO_EXIT")).toBe(true);
  });
});

describe("failureHandling", () => {
  it("defaults to stop without retries", () => {
    expect(failureHandling(step("a"), spec({}))).toEqual({ retry: undefined, onFailure: "stop" });
  });

  it("retries under RETRY and stops once retries are exhausted", () => {
    const workflow = spec({ errorHandling: { strategy: ErrorStrategy.RETRY } });
    expect(failureHandling(step("a"), workflow)).toEqual({ retry: DEFAULT_RETRY_POLICY, onFailure: "stop" });
  });

  it("lets a step's own strategy override the workflow's, and an explicit UNSPECIFIED fall back to it", () => {
    const workflow = spec({ errorHandling: { strategy: ErrorStrategy.FALLBACK } });
    expect(failureHandling(step("a", { onError: ErrorStrategy.CONTINUE }), workflow).onFailure).toBe(
      "continue",
    );
    expect(failureHandling(step("a", { onError: ErrorStrategy.UNSPECIFIED }), workflow).onFailure).toBe(
      "fallback",
    );
  });

  it("retries a step with its own retry policy whatever its strategy", () => {
    const handling = failureHandling(
      step("a", { onError: ErrorStrategy.CONTINUE, retry: { maxRetries: 1 } }),
      spec({}),
    );
    expect(handling).toEqual({ retry: { ...DEFAULT_RETRY_POLICY, maxRetries: 1 }, onFailure: "continue" });
  });
});

describe("abortableSleep", () => {
  it("rejects as soon as its signal aborts", async () => {
    const controller = new AbortController();
    const sleeping = abortableSleep(60_000, controller.signal);
    controller.abort("cancelled");
    await expect(sleeping).rejects.toThrow();
  });

  it("resolves after the delay", async () => {
    await expect(abortableSleep(1, new AbortController().signal)).resolves.toBeUndefined();
  });
});
