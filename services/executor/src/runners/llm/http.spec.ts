import { StepFailure } from "../../step/index.js";
import { postJson, providerMessage, redact, retryAfterMs, type JsonPost, type RetryOptions } from "./http.js";
import { FakeProvider, eventually, rejectionOf } from "./testing.js";

jest.setTimeout(20_000);

const SECRET = "sk-test-0123456789abcdef";
const FAST: RetryOptions = { initialBackoffMs: 10, maxBackoffMs: 20 };

describe("postJson", () => {
  let fake: FakeProvider;
  beforeEach(async () => {
    fake = await FakeProvider.start();
  });
  afterEach(async () => {
    await fake.close();
  });

  const post = (over: Partial<JsonPost> = {}, retry: RetryOptions = FAST) =>
    postJson(
      {
        provider: "Test API",
        url: `${fake.url}/v1/test`,
        headers: { "x-api-key": SECRET },
        body: { hello: "world" },
        signal: new AbortController().signal,
        timeoutMs: 5_000,
        secret: SECRET,
        ...over,
      },
      retry,
    );

  async function failureOf(promise: Promise<unknown>): Promise<StepFailure> {
    const error = await rejectionOf(promise);
    if (error instanceof StepFailure) return error;
    throw error;
  }

  it("POSTs the body as JSON with the given headers and resolves with the parsed answer", async () => {
    fake.reply({ json: { ok: true } });
    await expect(post()).resolves.toEqual({ ok: true });
    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0]).toMatchObject({
      method: "POST",
      path: "/v1/test",
      body: { hello: "world" },
      headers: { "content-type": "application/json", "x-api-key": SECRET },
    });
  });

  it("waits the retry-after of a 429 and retries once", async () => {
    fake.reply(
      { status: 429, headers: { "retry-after": "1" }, json: { error: { message: "slow down" } } },
      { json: { ok: 2 } },
    );
    await expect(post({}, { initialBackoffMs: 1 })).resolves.toEqual({ ok: 2 });
    expect(fake.requests).toHaveLength(2);
    const [first, second] = fake.requests;
    expect(second!.receivedAt - first!.receivedAt).toBeGreaterThanOrEqual(950);
  });

  it("caps a long retry-after", async () => {
    fake.reply({ status: 429, headers: { "retry-after": "3600" }, json: {} }, { json: { ok: 1 } });
    const started = Date.now();
    await expect(post({}, { maxRetryAfterMs: 50 })).resolves.toEqual({ ok: 1 });
    expect(Date.now() - started).toBeLessThan(20_000); // not the hour asked for
  });

  it("retries a 5xx with backoff, then succeeds", async () => {
    fake.reply({ status: 500, json: { error: { message: "boom" } } }, { json: { ok: 1 } });
    await expect(post()).resolves.toEqual({ ok: 1 });
    expect(fake.requests).toHaveLength(2);
  });

  it("retries a dropped connection", async () => {
    fake.reply({ drop: true }, { json: { ok: 1 } });
    await expect(post()).resolves.toEqual({ ok: 1 });
    expect(fake.requests).toHaveLength(2);
  });

  it("gives up after maxAttempts with the last error", async () => {
    const overloaded = {
      status: 529,
      json: { type: "error", error: { type: "overloaded_error", message: "Overloaded" } },
    };
    fake.reply(overloaded, overloaded, overloaded, { json: { ok: 1 } });
    const failure = await failureOf(post({}, { ...FAST, maxAttempts: 3 }));
    expect(failure.code).toBe("LLM_ERROR");
    expect(failure.message).toBe("Test API failed after 3 attempts: HTTP 529: Overloaded");
    expect(fake.requests).toHaveLength(3);
  });

  it("makes 4 attempts by default", async () => {
    for (let i = 0; i < 5; i++) fake.reply({ status: 503, text: "unavailable" });
    const failure = await failureOf(post({}, { initialBackoffMs: 1, maxBackoffMs: 1 }));
    expect(failure.message).toContain("after 4 attempts: HTTP 503: unavailable");
    expect(fake.requests).toHaveLength(4);
  });

  it("fails at once on another 4xx, with the provider's error message", async () => {
    fake.reply({
      status: 400,
      json: { error: { message: "max_tokens is too large", type: "invalid_request_error" } },
    });
    const failure = await failureOf(post());
    expect(failure.code).toBe("LLM_ERROR");
    expect(failure.message).toBe("Test API rejected the request with HTTP 400: max_tokens is too large");
    expect(fake.requests).toHaveLength(1);
  });

  it("never puts the key in a message, even when the provider echoes it", async () => {
    fake.reply({ status: 401, json: { error: { message: `Incorrect API key provided: ${SECRET}` } } });
    const failure = await failureOf(post());
    expect(failure.message).toContain("HTTP 401: Incorrect API key provided: [REDACTED]");
    expect(failure.message).not.toContain(SECRET);
  });

  it("fails with LLM_ERROR when a 200 answer is not JSON", async () => {
    fake.reply({ text: "<html>hi</html>" });
    const failure = await failureOf(post());
    expect(failure).toMatchObject({
      code: "LLM_ERROR",
      message: "Test API answered HTTP 200 with a body that is not JSON",
    });
  });

  it("fails with TIMEOUT when an attempt outlives timeoutMs, without retrying", async () => {
    fake.reply({ hang: true }, { json: { ok: 1 } });
    const started = Date.now();
    const failure = await failureOf(post({ timeoutMs: 300 }));
    expect(failure).toMatchObject({ code: "TIMEOUT", message: "Test API did not answer within 0.3 s" });
    expect(Date.now() - started).toBeGreaterThanOrEqual(250);
    expect(fake.requests).toHaveLength(1);
  });

  it("cancels a request in flight when the signal aborts", async () => {
    fake.reply({ hang: true });
    const controller = new AbortController();
    const pending = failureOf(post({ signal: controller.signal }));
    expect(await eventually(() => fake.requests.length === 1)).toBe(true);
    controller.abort(new Error("run cancelled"));
    const failure = await pending;
    expect(failure).toMatchObject({
      code: "CANCELLED",
      message: "Test API call cancelled while waiting for the answer: run cancelled",
    });
    expect(await eventually(() => fake.abandoned === 1)).toBe(true);
  });

  it("cancels the wait before a retry", async () => {
    fake.reply({ status: 429, headers: { "retry-after": "30" }, json: {} });
    const controller = new AbortController();
    const started = Date.now();
    let waiting: number | undefined;
    const pending = failureOf(
      post({ signal: controller.signal }, { ...FAST, onRetry: (waitMs) => (waiting = waitMs) }),
    );
    // cancel once the client waits out the provider's retry-after (not while the 429 is in flight)
    expect(await eventually(() => waiting !== undefined)).toBe(true);
    expect(waiting).toBe(30_000);
    controller.abort();
    const failure = await pending;
    expect(failure.code).toBe("CANCELLED");
    expect(failure.message).toContain("while waiting to retry");
    expect(Date.now() - started).toBeLessThan(20_000); // not the 30 s asked for
  });

  it("sends nothing when the signal is already aborted", async () => {
    const failure = await failureOf(post({ signal: AbortSignal.abort() }));
    expect(failure.code).toBe("CANCELLED");
    expect(fake.requests).toHaveLength(0);
  });
});

describe("retryAfterMs", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  const wait = (headers: Record<string, string>) => retryAfterMs(new Headers(headers), now);

  it("reads seconds, fractions included", () => {
    expect(wait({ "retry-after": "1" })).toBe(1_000);
    expect(wait({ "retry-after": "0.5" })).toBe(500);
  });

  it("reads an HTTP date", () => {
    expect(wait({ "retry-after": "Wed, 01 Jan 2025 00:00:07 GMT" })).toBe(7_000);
    expect(wait({ "retry-after": "Tue, 31 Dec 2024 23:00:00 GMT" })).toBe(0);
  });

  it("prefers retry-after-ms", () => {
    expect(wait({ "retry-after-ms": "250", "retry-after": "9" })).toBe(250);
  });

  it("is undefined when absent or unreadable", () => {
    expect(wait({})).toBeUndefined();
    expect(wait({ "retry-after": "soon" })).toBeUndefined();
    expect(wait({ "retry-after": "-3" })).toBeUndefined();
  });
});

describe("providerMessage", () => {
  it("reads error.message, message or a string error, else the text", () => {
    expect(providerMessage('{"error":{"message":"bad model"}}')).toBe("bad model");
    expect(providerMessage('{"message":"nope"}')).toBe("nope");
    expect(providerMessage('{"error":"denied"}')).toBe("denied");
    expect(providerMessage("Bad Gateway")).toBe("Bad Gateway");
    expect(providerMessage("")).toBe("(empty body)");
    expect(providerMessage("x".repeat(600))).toHaveLength(501);
  });
});

describe("redact", () => {
  it("masks every occurrence of the secret", () => {
    expect(redact("a sk-1234 b sk-1234", "sk-1234")).toBe("a [REDACTED] b [REDACTED]");
  });
});
