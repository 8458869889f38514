import type { RunStore, WorkflowRunEntity } from "@mcp/db";
import { FailedPreconditionError, NotFoundError } from "@mcp/errors";
import type { RunEvents } from "../events/run-events.js";
import type { RunOutcome } from "../engine/types.js";
import { CancelRequest, RunCanceller, withCancelReason } from "./run-canceller.js";

/** A run as the store returns it: only the fields the canceller reads. */
const run = (fields: Partial<WorkflowRunEntity>) =>
  ({ id: "r", status: "running", error: null, cancelRequestedAt: null, ...fields }) as WorkflowRunEntity;

function canceller(result: Awaited<ReturnType<RunStore["requestCancel"]>>) {
  const published: unknown[] = [];
  const store = { requestCancel: () => Promise.resolve(result) } as unknown as RunStore;
  const events = {
    publish: (...args: unknown[]) => {
      published.push(args);
      return Promise.resolve();
    },
  } as unknown as RunEvents;
  return { subject: new RunCanceller(store, events), published };
}

describe("RunCanceller", () => {
  it("publishes the end of a run it cancelled at once, with the caller's reason", async () => {
    const cancelled = run({ status: "cancelled", error: { code: "CANCELLED", message: "why" } });
    const { subject, published } = canceller({ run: cancelled, cancelledNow: true, seq: "3" });
    await subject.cancel("default", "r", "why");
    expect(published).toHaveLength(1);
    expect(
      JSON.stringify(published[0], (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v)),
    ).toContain('"message":"why"');
  });

  it("leaves a driven run to its owner, and a run already cancelled as it is", async () => {
    for (const status of ["running", "cancelled"] as const) {
      const { subject, published } = canceller({ run: run({ status }), cancelledNow: false, seq: "2" });
      await expect(subject.cancel("default", "r", "")).resolves.toBeUndefined();
      expect(published).toEqual([]);
    }
  });

  it("refuses a run that finished otherwise with FAILED_PRECONDITION (RUN_FINISHED)", async () => {
    for (const status of ["succeeded", "failed", "partially_succeeded"] as const) {
      const { subject } = canceller({ run: run({ status }), cancelledNow: false, seq: "5" });
      const err = await subject.cancel("default", "r", "late").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(FailedPreconditionError);
      expect(err).toMatchObject({ reason: "RUN_FINISHED", metadata: { run_id: "r", status } });
    }
  });

  it("answers NOT_FOUND for an unknown run", async () => {
    const { subject } = canceller({ run: null, cancelledNow: false, seq: "0" });
    await expect(subject.cancel("default", "r", "")).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe("CancelRequest", () => {
  const cancelledOutcome: RunOutcome = {
    status: "cancelled",
    outputs: {},
    error: { code: "CANCELLED", message: "the run was cancelled" },
  };

  it("reads the recorded reason of a claimed run; none when no cancel was requested", () => {
    expect(CancelRequest.of(run({}))).toBeNull();
    const requested = run({ cancelRequestedAt: new Date(), error: { code: "CANCELLED", message: "stop" } });
    expect(CancelRequest.of(requested)).toEqual(new CancelRequest("stop"));
    expect(CancelRequest.of(run({ cancelRequestedAt: new Date() }))).toEqual(new CancelRequest(""));
  });

  it("puts the caller's reason on a cancelled outcome only", () => {
    expect(withCancelReason(cancelledOutcome, new CancelRequest("stop")).error).toEqual({
      code: "CANCELLED",
      message: "stop",
    });
    expect(withCancelReason(cancelledOutcome, new CancelRequest(""))).toBe(cancelledOutcome);
    expect(withCancelReason(cancelledOutcome, "cancelled")).toBe(cancelledOutcome);
    const succeeded: RunOutcome = { status: "succeeded", outputs: {} };
    expect(withCancelReason(succeeded, new CancelRequest("stop"))).toBe(succeeded);
  });
});
