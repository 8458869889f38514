import type { RateLimiter } from "@mcp/coordination";
import type { RunQueries } from "@mcp/db";
import { AlreadyExistsError, DomainError, InvalidArgumentError, type FieldViolation } from "@mcp/errors";
import { httpStatusOf } from "@mcp/runtime";
import type { RunLauncher } from "../runs/run-launcher.js";
import type { RunStarter } from "../runs/run-starter.js";
import type { JsonValue } from "../step/index.js";
import { explainInputViolations, inputsFromBody } from "./body-inputs.js";
import { signatureMatches } from "./signature.js";
import { workflowOf, type Triggers } from "./triggers.js";

/** Longest delivery id kept (GitHub's are UUIDs); a longer one is refused with 400. */
export const MAX_DELIVERY_ID_CHARS = 200;
const DELIVERY_ID = /^[\x21-\x7e]+$/;

/** One webhook delivery as it arrived: the trigger's name from the path, the raw body, two headers. */
export interface Delivery {
  readonly triggerName: string;
  readonly body: Buffer;
  /** `X-Hub-Signature-256`. */
  readonly signature: string | undefined;
  /** `X-Delivery-Id`, else `X-GitHub-Delivery`. */
  readonly deliveryId: string | undefined;
}

/** The JSON error body of a refused delivery. */
export interface DeliveryError {
  readonly reason: string;
  readonly message: string;
  /** For 400 and 422: each field that is wrong (`body`, `body.<path>`, `inputs.<name>`, a header). */
  readonly violations?: readonly FieldViolation[];
}

/** The answer to a delivery: an HTTP status and its JSON body (202/200: the run; else an error). */
export type Answer =
  | {
      readonly status: 202 | 200;
      readonly body: { readonly runId: string; readonly replayed: boolean };
    }
  | {
      readonly status: number;
      readonly body: { readonly error: DeliveryError };
      /** For 429: seconds until the next delivery can be accepted. */
      readonly retryAfterSeconds?: number;
    };

const refuse = (status: number, reason: string, message: string, violations?: FieldViolation[]): Answer => ({
  status,
  body: { error: { reason, message, ...(violations ? { violations } : {}) } },
});

/**
 * Webhook deliveries (`POST /hooks/<name>`), in this order: the trigger (404), the signature over the
 * raw body (401: nothing else is looked at, nothing is started), the delivery id (a delivery seen
 * before answers 200 with its run, starting nothing), the trigger's rate limit (429 and when to come
 * back), the body (400: not JSON; 422: does not fit the workflow's inputs, naming each field), then
 * the run: started like ExecuteWorkflow's with request id `hook:<trigger id>:<delivery id>`, so one
 * delivery id starts at most one run whatever the races, and recording the trigger and delivery id.
 */
export class WebhookDeliveries {
  constructor(
    private readonly deps: {
      readonly triggers: Pick<Triggers, "forDelivery">;
      readonly starter: Pick<RunStarter, "workflow">;
      readonly launcher: Pick<RunLauncher, "launch">;
      readonly queries: Pick<RunQueries, "findByRequestId">;
      readonly limiter: RateLimiter;
    },
  ) {}

  async deliver(delivery: Delivery): Promise<Answer> {
    try {
      return await this.accept(delivery);
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      return refuse(
        httpStatusOf(err.kind),
        err.reason,
        err.message,
        err.fieldViolations.length > 0 ? [...err.fieldViolations] : undefined,
      );
    }
  }

  private async accept(delivery: Delivery): Promise<Answer> {
    const { triggers, starter, launcher, queries, limiter } = this.deps;
    const found = await triggers.forDelivery(delivery.triggerName);
    if (!found) {
      return refuse(404, "TRIGGER_NOT_FOUND", `trigger "${delivery.triggerName}" not found`);
    }
    const { trigger, secret } = found;
    if (delivery.signature === undefined) {
      return refuse(
        401,
        "SIGNATURE_MISSING",
        "the X-Hub-Signature-256 header is missing (sha256=<hex HMAC-SHA256 of the body>)",
      );
    }
    if (!signatureMatches(secret, delivery.body, delivery.signature)) {
      return refuse(
        401,
        "SIGNATURE_MISMATCH",
        "the X-Hub-Signature-256 header is not the body's HMAC-SHA256 with this trigger's secret",
      );
    }
    const deliveryId = delivery.deliveryId;
    if (
      deliveryId !== undefined &&
      (deliveryId.length > MAX_DELIVERY_ID_CHARS || !DELIVERY_ID.test(deliveryId))
    ) {
      return refuse(400, "INVALID_DELIVERY_ID", "the delivery id is not one", [
        {
          field: "X-Delivery-Id",
          description: `must be 1-${MAX_DELIVERY_ID_CHARS} printable ASCII characters without spaces`,
        },
      ]);
    }
    const requestId = deliveryId === undefined ? "" : `hook:${trigger.id}:${deliveryId}`;
    const earlier = requestId ? await queries.findByRequestId(trigger.workspace, requestId) : null;
    if (earlier) return { status: 200, body: { runId: earlier.id, replayed: true } };

    const taken = await limiter.take(`hook:${trigger.id}`, trigger);
    if (!taken.allowed) {
      const seconds = Math.max(1, Math.ceil(taken.retryAfterMs / 1000));
      return {
        ...refuse(
          429,
          "RATE_LIMITED",
          `trigger "${trigger.name}" accepts ${trigger.ratePerMinute} deliveries a minute (${trigger.burst} at once); retry in ${seconds} s`,
        ),
        retryAfterSeconds: seconds,
      };
    }

    let body: JsonValue;
    try {
      body = JSON.parse(delivery.body.toString("utf8")) as JsonValue;
    } catch (err) {
      return refuse(400, "BODY_NOT_JSON", "the body is not JSON", [
        { field: "body", description: `is not JSON: ${(err as Error).message}` },
      ]);
    }
    const paths = trigger.inputPaths;
    const inputs = inputsFromBody(body, paths);
    try {
      const launched = await launcher.launch(
        (claim) =>
          starter.workflow(
            trigger.workspace,
            workflowOf(trigger),
            inputs,
            requestId,
            null,
            claim,
            null,
            undefined,
            {
              triggerName: trigger.name,
              triggerDeliveryId: deliveryId ?? null,
            },
          ),
        { wait: false },
      );
      return {
        status: launched.created ? 202 : 200,
        body: { runId: launched.run.id, replayed: !launched.created },
      };
    } catch (err) {
      if (err instanceof InvalidArgumentError) {
        throw new InvalidArgumentError(explainInputViolations(err.violations, paths, inputs));
      }
      // the same delivery id raced in with another body: the first one's run stands
      if (err instanceof AlreadyExistsError && requestId) {
        const first = await queries.findByRequestId(trigger.workspace, requestId);
        if (first) return { status: 200, body: { runId: first.id, replayed: true } };
      }
      throw err;
    }
  }
}
