import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  ExecutorService,
  LlmUsageSchema,
  RunEventSchema,
  RunStatus,
  StepStatus,
  type CancelRunRequest,
  type RerunRunRequest,
  type RunEvent,
  type WorkflowRun,
} from "@mcp/proto/executor";
import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { run, snapshot, statusEvent, step, stepEvent } from "../../test/builders";
import { renderWithApi } from "../../test/render";
import { RunPage } from "./run-page";

const T0 = Date.parse("2026-01-01T10:00:00Z");

function renderRun(
  handlers: Parameters<typeof renderWithApi>[1]["routes"],
  path = "/runs/run-1",
  traceUrl?: string,
) {
  return renderWithApi(<RunPage />, {
    routes: handlers,
    path,
    pattern: "/runs/:id",
    ...(traceUrl ? { traceUrl } : {}),
  });
}

describe("RunPage", () => {
  it("follows WatchRun to the end and resyncs the outputs with GetRun", async () => {
    const user = userEvent.setup();
    const final: WorkflowRun = run(
      RunStatus.SUCCEEDED,
      [
        step("hello", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 1200 }),
        step("loud", StepStatus.SUCCEEDED, { start: T0 + 1200, finish: T0 + 2000 }),
      ],
      {
        outputs: { greeting: "HELLO ADA" },
        inputs: { name: "ada" },
        startTime: timestampFromMs(T0),
        finishTime: timestampFromMs(T0 + 2000),
      },
    );
    const events: RunEvent[] = [
      snapshot(
        run(RunStatus.RUNNING, [step("hello", StepStatus.PENDING), step("loud", StepStatus.PENDING)], {
          startTime: timestampFromMs(T0),
        }),
        2,
        T0,
      ),
      stepEvent(step("hello", StepStatus.RUNNING, { start: T0 }), 3, T0),
      stepEvent(step("hello", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 1200 }), 4, T0 + 1200),
      stepEvent(step("loud", StepStatus.SUCCEEDED, { start: T0 + 1200, finish: T0 + 2000 }), 5, T0 + 2000),
      statusEvent(RunStatus.SUCCEEDED, 6, T0 + 2000),
    ];
    renderRun((router) =>
      router.service(ExecutorService, {
        async *watchRun() {
          for (const event of events) yield { event };
        },
        getRun: () => ({ run: final }),
      }),
    );

    const status = await screen.findByTestId("run-status");
    await screen.findByText("Updates: finished");
    expect(status.textContent).toBe("SUCCEEDED");
    expect(screen.getByLabelText("Run outputs").textContent).toContain("HELLO ADA");
    expect(screen.queryByRole("button", { name: "Cancel run" })).toBeNull();

    const timeline = screen.getByTestId("timeline");
    const rows = within(timeline).getAllByRole("listitem");
    expect(rows.map((r) => r.getAttribute("data-step"))).toEqual(["hello", "loud"]);
    expect(rows[0]!.textContent).toContain("1.2 s");
    expect(rows[1]!.textContent).toContain("800 ms");

    await user.click(within(timeline).getByRole("button", { name: /loud/ }));
    expect(screen.getByRole("heading", { name: /Step loud/ })).toBeTruthy();
  });

  it("shows the run's LLM tokens and cost, each step's with its model turns, and links the trace", async () => {
    const user = userEvent.setup();
    const assist = step("assist", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 500 });
    assist.llmUsage = create(LlmUsageSchema, {
      model: "gpt-4o",
      inputTokens: 24n,
      outputTokens: 16n,
      cost: { amount: "0.00022", currency: "USD" },
      rounds: [
        { round: 1, inputTokens: 13n, outputTokens: 9n, toolCalls: 1 },
        { round: 2, inputTokens: 11n, outputTokens: 7n, toolCalls: 0 },
      ],
    });
    const final = run(RunStatus.SUCCEEDED, [assist], {
      traceId: "0af7651916cd43dd8448eb211c80319c",
      llmInputTokens: 24n,
      llmOutputTokens: 16n,
      llmCost: { amount: "0.00022", currency: "USD" },
      startTime: timestampFromMs(T0),
      finishTime: timestampFromMs(T0 + 500),
    });
    renderRun(
      (router) =>
        router.service(ExecutorService, {
          async *watchRun() {
            yield { event: snapshot(final, 3, T0 + 500) };
          },
          getRun: () => ({ run: final }),
        }),
      "/runs/run-1",
      "http://jaeger:16686/trace/{traceId}",
    );
    expect((await screen.findByTestId("run-llm-tokens")).textContent).toBe("24 in, 16 out");
    expect(screen.getByTestId("run-llm-cost").textContent).toBe("0.00022 USD");
    expect(within(screen.getByTestId("run-trace")).getByRole("link").getAttribute("href")).toBe(
      "http://jaeger:16686/trace/0af7651916cd43dd8448eb211c80319c",
    );
    await user.click(within(screen.getByTestId("timeline")).getByRole("button", { name: /assist/ }));
    expect(screen.getByTestId("step-llm-usage").textContent).toBe("gpt-4o: 24 in, 16 out · 0.00022 USD");
    const turns = within(screen.getByRole("region", { name: "LLM usage of assist" })).getAllByRole("row");
    expect(turns.map((r) => r.textContent)).toEqual([
      "TurnInput tokensOutput tokensTool calls",
      "11391",
      "21170",
    ]);
  });

  it("reconnects when the stream breaks before the run is final", async () => {
    let watches = 0;
    const running = run(RunStatus.RUNNING, [step("a", StepStatus.RUNNING, { start: T0 })]);
    renderRun((router) =>
      router.service(ExecutorService, {
        async *watchRun() {
          watches++;
          if (watches === 1) {
            yield { event: snapshot(running, 1) };
            throw new ConnectError("connection reset", Code.Unavailable);
          }
          yield {
            event: snapshot(
              run(RunStatus.SUCCEEDED, [step("a", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 5 })]),
              3,
            ),
          };
        },
        getRun: () => ({ run: watches < 2 ? running : run(RunStatus.SUCCEEDED) }),
      }),
    );
    await screen.findByText("Updates: finished", undefined, { timeout: 3000 });
    expect(watches).toBe(2);
    expect(screen.getByTestId("run-status").textContent).toBe("SUCCEEDED");
  });

  it("shows the API's error when the run does not exist", async () => {
    renderRun(
      (router) =>
        router.service(ExecutorService, {
          // eslint-disable-next-line require-yield
          async *watchRun(req) {
            throw new ConnectError(`run ${req.id} not found`, Code.NotFound);
          },
        }),
      "/runs/nope",
    );
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("NOT_FOUND");
    expect(alert.textContent).toContain("run nope not found");
  });

  it("cancels a running run only after confirming, and links to a fallback run", async () => {
    const user = userEvent.setup();
    const cancels: CancelRunRequest[] = [];
    const running = run(RunStatus.RUNNING, [step("a", StepStatus.RUNNING, { start: T0 })], {
      fallbackRunId: "fb-1234567890",
    });
    renderRun((router) =>
      router.service(ExecutorService, {
        async *watchRun(_req, ctx) {
          yield { event: create(RunEventSchema, { ...snapshot(running, 1) }) };
          await new Promise((resolve) => ctx.signal.addEventListener("abort", resolve));
        },
        cancelRun: (req) => {
          cancels.push(req);
          return { run: { ...running, status: RunStatus.CANCELLED } };
        },
      }),
    );
    expect((await screen.findByRole("link", { name: /Fallback run fb-12345/ })).getAttribute("href")).toBe(
      "/runs/fb-1234567890",
    );
    await user.click(screen.getByRole("button", { name: "Cancel run" }));
    const dialog = screen.getByRole("dialog", { name: "Cancel this run?" });
    expect(cancels).toHaveLength(0);
    await user.click(within(dialog).getByRole("button", { name: "Cancel run" }));
    await screen.findByText("Updates: live");
    expect(cancels).toEqual([expect.objectContaining({ id: "run-1" })]);
  });

  it("re-runs a finished run from a step after confirming, at production when asked, and opens the new run with its reused steps marked", async () => {
    const user = userEvent.setup();
    const reruns: RerunRunRequest[] = [];
    const failed = run(RunStatus.FAILED, [
      step("fetch", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 100 }),
      step("parse", StepStatus.FAILED, { start: T0 + 100, finish: T0 + 200 }),
    ]);
    const rerun = run(
      RunStatus.SUCCEEDED,
      [
        step("fetch", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 100 }),
        step("parse", StepStatus.SUCCEEDED, { start: T0 + 1000, finish: T0 + 1100 }),
      ],
      { id: "rerun-22222", rerunOfRunId: "run-1", rerunFromStepId: "parse", reusedStepIds: ["fetch"] },
    );
    const byId = (id: string) => (id === rerun.id ? rerun : failed);
    renderRun((router) =>
      router.service(ExecutorService, {
        async *watchRun(req) {
          yield { event: snapshot(byId(req.id), 1) };
        },
        getRun: (req) => ({ run: byId(req.id) }),
        rerunRun: (req) => {
          reruns.push(req);
          return { run: rerun, created: true };
        },
      }),
    );
    await screen.findByText("Updates: finished");
    expect(screen.getByRole("button", { name: "Re-run" })).toBeTruthy();
    const rows = within(screen.getByTestId("timeline")).getAllByRole("listitem");
    await user.click(within(rows[1]!).getByRole("button", { name: "Re-run from here" }));
    const dialog = screen.getByRole("dialog", { name: "Re-run from step parse?" });
    expect(reruns).toHaveLength(0);
    await user.click(within(dialog).getByRole("checkbox"));
    await user.click(within(dialog).getByRole("button", { name: "Re-run" }));

    expect((await screen.findByTestId("rerun-of")).textContent).toBe(
      "Run run-1, from step parse; reused: fetch",
    );
    expect(reruns).toEqual([
      expect.objectContaining({ runId: "run-1", fromStepId: "parse", resolveLabel: "production" }),
    ]);
    const [fetch, parse] = within(screen.getByTestId("timeline")).getAllByRole("listitem");
    expect(within(fetch!).getByText("reused")).toBeTruthy();
    expect(within(parse!).queryByText("reused")).toBeNull();
  });
});
