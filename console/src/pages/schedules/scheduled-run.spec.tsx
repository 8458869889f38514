import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { ExecutorService, RunStatus, StepStatus } from "@mcp/proto/executor";
import { screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { run, snapshot, step } from "../../test/builders";
import { renderWithApi } from "../../test/render";
import { RunPage } from "../runs/run-page";

describe("a run started by a schedule", () => {
  it("says which schedule's tick started it", async () => {
    const T0 = Date.parse("2026-03-01T02:30:00Z");
    const scheduled = run(
      RunStatus.SUCCEEDED,
      [step("only", StepStatus.SUCCEEDED, { start: T0, finish: T0 + 500 })],
      {
        scheduleId: "0b7c2a52-7f0e-4a43-9a53-0a1d1e4f5a6b",
        scheduleTickTime: timestampFromMs(T0),
        startTime: timestampFromMs(T0),
        finishTime: timestampFromMs(T0 + 500),
      },
    );
    renderWithApi(<RunPage />, {
      path: "/runs/run-1",
      pattern: "/runs/:id",
      routes: (router) =>
        router.service(ExecutorService, {
          async *watchRun() {
            yield { event: snapshot(scheduled, 1) };
          },
          getRun: () => ({ run: scheduled }),
        }),
    });
    const startedBy = await screen.findByText(/the tick of .* of schedule/);
    expect(startedBy.textContent).toContain("0b7c2a52");
  }, 20_000);
});
