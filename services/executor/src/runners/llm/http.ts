import { abortableSleep, backoffDelayMs, type Backoff } from "../../step/index.js";
import { StepFailure } from "../../step/index.js";
import { errorMessage } from "@mcp/errors";

/** How a provider call is retried. */
export interface RetryOptions {
  /** Attempts in all, the first included; default 4. */
  readonly maxAttempts?: number;
  /** Backoff before the first retry (doubled each time, jittered into [d/2, d]); default 500 ms. */
  readonly initialBackoffMs?: number;
  /** Cap on that backoff; default 30 s. */
  readonly maxBackoffMs?: number;
  /** Cap on a provider's `retry-after`; default 60 s. */
  readonly maxRetryAfterMs?: number;
  /** Jitter source in [0, 1); default Math.random. */
  readonly random?: () => number;
  /** Told before each wait for a retry: how long, and why the attempt failed. */
  readonly onRetry?: (waitMs: number, reason: string) => void;
}

export const DEFAULT_MAX_ATTEMPTS = 4;
export const DEFAULT_MAX_RETRY_AFTER_MS = 60_000;

/** One JSON POST to a provider. */
export interface JsonPost {
  /** Names the provider in messages, e.g. "Anthropic API". */
  readonly provider: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** Cancels the call, retries and waits included. */
  readonly signal: AbortSignal;
  /** Limit on each attempt, from sending the request to reading the whole answer. */
  readonly timeoutMs: number;
  /** The API key: removed from any message, whatever the provider echoes. */
  readonly secret: string;
}

type Attempt = { ok: true; body: unknown } | { ok: false; reason: string; retryAfterMs?: number };

/**
 * POSTs `request.body` as JSON and resolves with the parsed JSON answer. 429, 5xx and network errors
 * are retried (waiting the provider's `retry-after`, capped, or an exponential backoff) up to
 * `maxAttempts` in all; any other status fails at once with the provider's error message (LLM_ERROR).
 * An attempt that outlives `timeoutMs` fails with TIMEOUT; an aborted `signal` with CANCELLED.
 */
export async function postJson(request: JsonPost, options: RetryOptions = {}): Promise<unknown> {
  const maxAttempts = Math.max(1, options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const backoff: Backoff = {
    maxRetries: maxAttempts - 1,
    initialBackoffMs: options.initialBackoffMs ?? 500,
    backoffMultiplier: 2,
    maxBackoffMs: options.maxBackoffMs ?? 30_000,
  };
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_MAX_RETRY_AFTER_MS;
  for (let attempt = 1; ; attempt++) {
    if (request.signal.aborted) throw cancelled(request, "before it was sent");
    const outcome = await attemptOnce(request);
    if (outcome.ok) return outcome.body;
    if (attempt >= maxAttempts) {
      throw failure(
        request,
        "LLM_ERROR",
        `${request.provider} failed after ${attempt} attempts: ${outcome.reason}`,
      );
    }
    const waitMs =
      outcome.retryAfterMs !== undefined
        ? Math.min(outcome.retryAfterMs, maxRetryAfterMs)
        : backoffDelayMs(backoff, attempt, options.random ?? Math.random);
    options.onRetry?.(waitMs, outcome.reason);
    try {
      await abortableSleep(waitMs, request.signal);
    } catch {
      throw cancelled(request, "while waiting to retry");
    }
  }
}

async function attemptOnce(request: JsonPost): Promise<Attempt> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = AbortSignal.any([request.signal, timeout]);
  let status: number;
  let headers: Headers;
  let text: string;
  try {
    const response = await fetch(request.url, {
      method: "POST",
      headers: { "content-type": "application/json", ...request.headers },
      body: JSON.stringify(request.body),
      signal,
    });
    status = response.status;
    headers = response.headers;
    text = await response.text();
  } catch (error) {
    if (request.signal.aborted) throw cancelled(request, "while waiting for the answer");
    if (timeout.aborted) {
      const seconds = request.timeoutMs / 1000;
      throw failure(request, "TIMEOUT", `${request.provider} did not answer within ${seconds} s`);
    }
    return { ok: false, reason: `network error: ${networkCause(error)}` };
  }
  if (status >= 200 && status < 300) {
    try {
      return { ok: true, body: JSON.parse(text) as unknown };
    } catch {
      throw failure(
        request,
        "LLM_ERROR",
        `${request.provider} answered HTTP ${status} with a body that is not JSON`,
      );
    }
  }
  const reason = `HTTP ${status}: ${providerMessage(text)}`;
  if (status === 429 || status >= 500) return { ok: false, reason, retryAfterMs: retryAfterMs(headers) };
  throw failure(request, "LLM_ERROR", `${request.provider} rejected the request with ${reason}`);
}

/**
 * The wait a provider asked for: `retry-after-ms` (OpenAI), else `retry-after` in seconds or as an
 * HTTP date; undefined when absent or unreadable.
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get("retry-after-ms") ?? NaN);
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get("retry-after")?.trim();
  if (value === undefined || value === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** The message of an error body: `error.message` (OpenAI, Anthropic), `message`, `error`, else the text. */
export function providerMessage(text: string): string {
  try {
    const body = JSON.parse(text) as unknown;
    const error = field(body, "error");
    const message = field(error, "message") ?? field(body, "message") ?? error;
    if (typeof message === "string" && message !== "") return message;
  } catch {
    // not JSON: the text itself
  }
  const trimmed = text.trim();
  if (trimmed === "") return "(empty body)";
  return trimmed.length > 500 ? `${trimmed.slice(0, 500)}…` : trimmed;
}

function field(value: unknown, name: string): unknown {
  return typeof value === "object" && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

/** fetch's "fetch failed" hides the reason in `cause` (e.g. ECONNREFUSED). */
function networkCause(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  const code = field(cause, "code");
  if (typeof code === "string") return code;
  if (cause instanceof Error) return cause.message;
  return errorMessage(error);
}

function cancelled(request: JsonPost, when: string): StepFailure {
  const reason = request.signal.reason as unknown;
  const why =
    reason instanceof Error ? `: ${reason.message}` : typeof reason === "string" ? `: ${reason}` : "";
  return failure(request, "CANCELLED", `${request.provider} call cancelled ${when}${why}`);
}

function failure(
  request: JsonPost,
  code: "LLM_ERROR" | "TIMEOUT" | "CANCELLED",
  message: string,
): StepFailure {
  return new StepFailure(code, redact(message, request.secret));
}

/** `text` with every occurrence of `secret` masked. */
export function redact(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join("[REDACTED]") : text;
}
