import { ErrorStrategy } from "@mcp/proto/workflows";
import { spec, step, found } from "./testing.js";
import { validateSpec } from "./validate-spec.js";

describe("validateSpec › retry policies", () => {
  it("accepts the bounds of every field", () => {
    const low = { maxRetries: 0, initialBackoffMs: 0, backoffMultiplier: 1, maxBackoffMs: 0 };
    const high = {
      maxRetries: 10,
      initialBackoffMs: 600_000,
      backoffMultiplier: 10,
      maxBackoffMs: 3_600_000,
    };
    const subject = spec([step("a", { retry: low })], {
      errorHandling: { strategy: ErrorStrategy.RETRY, retry: high },
    });
    expect(found(subject)).toEqual([]);
  });

  it("rejects every field out of range, at the workflow and per step", () => {
    const bad = { maxRetries: 11, initialBackoffMs: -1, backoffMultiplier: 0.5, maxBackoffMs: 3_600_001 };
    const subject = spec([step("a", { retry: { ...bad, backoffMultiplier: 10.5 } })], {
      errorHandling: { retry: bad },
    });
    expect(found(subject)).toEqual([
      "spec.steps[0].retry.max_retries OUT_OF_RANGE",
      "spec.steps[0].retry.initial_backoff_ms OUT_OF_RANGE",
      "spec.steps[0].retry.backoff_multiplier OUT_OF_RANGE",
      "spec.steps[0].retry.max_backoff_ms OUT_OF_RANGE",
      "spec.error_handling.retry.max_retries OUT_OF_RANGE",
      "spec.error_handling.retry.initial_backoff_ms OUT_OF_RANGE",
      "spec.error_handling.retry.backoff_multiplier OUT_OF_RANGE",
      "spec.error_handling.retry.max_backoff_ms OUT_OF_RANGE",
    ]);
  });

  it("rejects a backoff multiplier that is not a number", () => {
    expect(found(spec([step("a", { retry: { backoffMultiplier: Number.NaN } })]))).toEqual([
      "spec.steps[0].retry.backoff_multiplier OUT_OF_RANGE",
    ]);
  });

  it("returns BACKOFF_BELOW_INITIAL when max_backoff_ms is below initial_backoff_ms", () => {
    const subject = spec([step("a")], {
      errorHandling: { retry: { initialBackoffMs: 1000, maxBackoffMs: 999 } },
    });
    expect(found(subject)).toEqual(["spec.error_handling.retry.max_backoff_ms BACKOFF_BELOW_INITIAL"]);
  });

  it("compares a step's backoff with the workflow's and the defaults it inherits", () => {
    const subject = spec(
      [step("a", { retry: { maxBackoffMs: 100 } }), step("b", { retry: { initialBackoffMs: 70_000 } })],
      {
        errorHandling: { retry: { initialBackoffMs: 200 } },
      },
    );
    expect(found(subject)).toEqual([
      "spec.steps[0].retry.max_backoff_ms BACKOFF_BELOW_INITIAL",
      "spec.steps[1].retry.initial_backoff_ms BACKOFF_BELOW_INITIAL",
    ]);
  });
});

describe("validateSpec › fallback", () => {
  it("accepts a fallback workflow used by the workflow strategy or by a step's on_error", () => {
    const byWorkflow = spec([step("a")], {
      errorHandling: { strategy: ErrorStrategy.FALLBACK, fallbackWorkflow: "backup" },
    });
    const byStep = spec([step("a", { onError: ErrorStrategy.FALLBACK })], {
      errorHandling: { fallbackWorkflow: "backup" },
    });
    expect(found(byWorkflow, "main")).toEqual([]);
    expect(found(byStep, "main")).toEqual([]);
  });

  it("requires fallback_workflow when the workflow or a step falls back", () => {
    const subject = spec([step("a", { onError: ErrorStrategy.FALLBACK })], {
      errorHandling: { strategy: ErrorStrategy.FALLBACK },
    });
    const [violation, ...rest] = validateSpec(subject, { workflowName: "main" });
    expect(rest).toEqual([]);
    expect(violation).toMatchObject({ field: "spec.error_handling.fallback_workflow", code: "REQUIRED" });
    expect(violation?.description).toContain("spec.error_handling.strategy, spec.steps[0].on_error");
  });

  it("returns FALLBACK_TO_SELF for the workflow's own name, whatever its case", () => {
    const subject = spec([step("a")], {
      errorHandling: { strategy: ErrorStrategy.FALLBACK, fallbackWorkflow: "Daily-Digest" },
    });
    expect(found(subject, "daily-digest")).toEqual([
      "spec.error_handling.fallback_workflow FALLBACK_TO_SELF",
    ]);
    expect(found(subject, undefined)).toEqual([]);
  });

  it("returns FALLBACK_WORKFLOW_UNUSED when no strategy is FALLBACK", () => {
    const subject = spec([step("a", { onError: ErrorStrategy.RETRY })], {
      errorHandling: { strategy: ErrorStrategy.CONTINUE, fallbackWorkflow: "backup" },
    });
    expect(found(subject)).toEqual(["spec.error_handling.fallback_workflow FALLBACK_WORKFLOW_UNUSED"]);
  });

  it("rejects a fallback that is not a workflow name", () => {
    const subject = spec([step("a")], {
      errorHandling: { strategy: ErrorStrategy.FALLBACK, fallbackWorkflow: "no spaces" },
    });
    expect(found(subject)).toEqual(["spec.error_handling.fallback_workflow INVALID_FORMAT"]);
  });
});

describe("validateSpec › strategies", () => {
  it("reads an unset strategy as stop and accepts every known one", () => {
    const steps = [ErrorStrategy.STOP, ErrorStrategy.CONTINUE, ErrorStrategy.RETRY].map((onError, i) =>
      step(`s${i}`, { onError }),
    );
    expect(found(spec(steps))).toEqual([]);
  });

  it("rejects unknown strategies", () => {
    const subject = spec([step("a", { onError: 7 as ErrorStrategy })], {
      errorHandling: { strategy: 9 as ErrorStrategy },
    });
    expect(found(subject)).toEqual([
      "spec.steps[0].on_error INVALID_ENUM",
      "spec.error_handling.strategy INVALID_ENUM",
    ]);
  });
});
