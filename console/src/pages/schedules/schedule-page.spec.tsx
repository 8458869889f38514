import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import {
  OverlapPolicy,
  RunStatus,
  ScheduleSchema,
  ScheduleService,
  ScheduleTickSchema,
  TickOutcome,
  type Schedule,
} from "@mcp/proto/executor";
import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";
import { renderWithApi } from "../../test/render";
import { ScheduleListPage } from "./schedule-list-page";
import { SchedulePage } from "./schedule-page";

const at = (iso: string) => timestampFromMs(Date.parse(iso));

const nightly = (paused: boolean): Schedule =>
  create(ScheduleSchema, {
    id: "0b7c2a52-7f0e-4a43-9a53-0a1d1e4f5a6b",
    name: "nightly-report",
    workflow: { workflow: { case: "name", value: "report" }, version: 3 },
    inputs: { region: "eu" },
    cron: "0 30 2 * * *",
    timeZone: "Europe/Berlin",
    overlapPolicy: OverlapPolicy.BUFFER_ONE,
    catchUpWindow: { seconds: BigInt(600), nanos: 0 },
    paused,
    nextFireTimes: paused ? [] : [at("2026-03-02T01:30:00Z"), at("2026-03-03T01:30:00Z")],
    recentTicks: [
      create(ScheduleTickSchema, {
        tickTime: at("2026-03-01T01:30:00Z"),
        outcome: TickOutcome.STARTED,
        runId: "5f0e8d1c-0000-4000-8000-000000000001",
        runStatus: RunStatus.SUCCEEDED,
      }),
      create(ScheduleTickSchema, {
        tickTime: at("2026-02-28T01:30:00Z"),
        outcome: TickOutcome.SKIPPED,
        reason: "run 5f0e8d1c was still running (overlap policy skip)",
      }),
    ],
  });

describe("SchedulePage", () => {
  it("shows what the schedule runs, its next fire times and its latest ticks; Pause and Trigger call the service", async () => {
    let paused = false;
    const calls: string[] = [];
    renderWithApi(<SchedulePage />, {
      path: "/schedules/nightly-report",
      pattern: "/schedules/:name",
      routes: (router) =>
        router.service(ScheduleService, {
          getSchedule: () => ({ schedule: nightly(paused) }),
          pauseSchedule: (req) => {
            calls.push(`pause ${req.name}`);
            paused = true;
            return { schedule: nightly(true) };
          },
          triggerSchedule: (req) => {
            calls.push(`trigger ${req.name}`);
            return {
              tick: { outcome: TickOutcome.STARTED, manual: true },
              run: { id: "9a9a9a9a-0000-4000-8000-000000000002" },
            };
          },
        }),
    });
    expect(await screen.findByRole("heading", { name: /nightly-report/ })).toBeTruthy();
    expect(screen.getByText("report v3")).toBeTruthy();
    expect(within(screen.getByTestId("next-fire-times")).getAllByRole("listitem")).toHaveLength(2);
    const ticks = screen.getByRole("table", { name: "Latest ticks" });
    expect(within(ticks).getByText("started")).toBeTruthy();
    expect(within(ticks).getByText(/still running/)).toBeTruthy();
    expect(within(ticks).getByRole("link", { name: "5f0e8d1c" }).getAttribute("href")).toBe(
      "/runs/5f0e8d1c-0000-4000-8000-000000000001",
    );

    await userEvent.click(screen.getByRole("button", { name: "Trigger now" }));
    expect((await screen.findByRole("link", { name: /run 9a9a9a9a/ })).getAttribute("href")).toBe(
      "/runs/9a9a9a9a-0000-4000-8000-000000000002",
    );
    await userEvent.click(screen.getByRole("button", { name: "Pause" }));
    await waitFor(() => expect(screen.getByTestId("schedule-state").textContent).toBe("paused"));
    expect(screen.getByRole("button", { name: "Resume" })).toBeTruthy();
    expect(screen.getByText("None while paused.")).toBeTruthy();
    expect(calls).toEqual(["trigger nightly-report", "pause nightly-report"]);
  }, 20_000);
});

describe("ScheduleListPage", () => {
  it("lists schedules with their workflow, cron and state, linking each", async () => {
    renderWithApi(<ScheduleListPage />, {
      path: "/schedules",
      pattern: "/schedules",
      routes: (router) =>
        router.service(ScheduleService, {
          listSchedules: () => ({ schedules: [nightly(true)], nextPageToken: "" }),
        }),
    });
    const link = await screen.findByRole("link", { name: "nightly-report" });
    expect(link.getAttribute("href")).toBe("/schedules/nightly-report");
    const row = link.closest("tr")!;
    expect(within(row).getByText("0 30 2 * * *")).toBeTruthy();
    expect(within(row).getByText("buffer_one")).toBeTruthy();
    expect(within(row).getByText("paused")).toBeTruthy();
  });
});
