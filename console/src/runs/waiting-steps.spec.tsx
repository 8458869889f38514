import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  ExecutorService,
  RunEventSchema,
  RunStatus,
  StepKind,
  StepRunSchema,
  StepStatus,
  type DecideApprovalRequest,
} from "@mcp/proto/executor";
import { StepSchema } from "@mcp/proto/workflows";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { workflowGraph } from "../dag/graph";
import { waitLabel } from "../dag/waits";
import { RunPage } from "../pages/runs/run-page";
import { run, snapshot } from "../test/builders";
import { renderWithApi } from "../test/render";

const waiting = (stepId: string, init: Parameters<typeof create<typeof StepRunSchema>>[1]) =>
  create(StepRunSchema, { stepId, status: StepStatus.WAITING, attempt: 1, ...init });

describe("waiting steps", () => {
  it("the DAG labels sleep, signal and approval steps by what they wait for, marked as waits", () => {
    const steps = [
      create(StepSchema, { stepId: "nap", sleep: { duration: { seconds: 5400n, nanos: 0 } } }),
      create(StepSchema, { stepId: "sig", waitForSignal: { signal: "paid" } }),
      create(StepSchema, { stepId: "ok", approval: { prompt: "Ship?" } }),
    ];
    expect(steps.map(waitLabel)).toEqual(["sleep 1h30m", "signal paid", "approval"]);
    expect(workflowGraph({ steps } as never).nodes.map((n) => n.wait)).toEqual([
      "sleep",
      "signal",
      "approval",
    ]);
  });

  it("the run page shows what each step waits for and approves one with a comment", async () => {
    const user = userEvent.setup();
    const decisions: DecideApprovalRequest[] = [];
    const parked = run(RunStatus.RUNNING, [
      waiting("nap", { kind: StepKind.SLEEP, wakeTime: timestampFromMs(Date.parse("2030-01-01T00:00:00Z")) }),
      waiting("sig", { kind: StepKind.WAIT_FOR_SIGNAL, signal: "paid" }),
      waiting("review", { kind: StepKind.APPROVAL, approval: { prompt: "Publish the draft?" } }),
    ]);
    renderWithApi(<RunPage />, {
      path: "/runs/run-1",
      pattern: "/runs/:id",
      routes: (router) =>
        router.service(ExecutorService, {
          async *watchRun(_req, ctx) {
            yield { event: create(RunEventSchema, { ...snapshot(parked, 1) }) };
            await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
          },
          decideApproval: (req) => {
            decisions.push(req);
            return { run: parked };
          },
        }),
    });
    const section = await screen.findByRole("region", { name: "Waiting" });
    expect(within(section).getByTestId("waiting-nap").textContent).toContain("sleeps until");
    expect(within(section).getByTestId("waiting-sig").textContent).toContain('waits for signal "paid"');
    const review = within(section).getByTestId("waiting-review");
    expect(review.textContent).toContain("Publish the draft?");
    expect(within(section).getAllByRole("button", { name: "Approve" })).toHaveLength(1);

    await user.type(within(review).getByLabelText("Comment on review"), "looks good");
    await user.click(within(review).getByRole("button", { name: "Approve" }));
    await within(review).findByText("Decision recorded; the run resumes.");
    expect(decisions).toEqual([
      expect.objectContaining({ runId: "run-1", stepId: "review", approve: true, comment: "looks good" }),
    ]);
  });
});
