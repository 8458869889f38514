import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { OverlapPolicy } from "@mcp/proto/executor";
import { cliAgainst } from "../support/cli";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { oneStepWorkflow, scheduleClient } from "../support/schedules";

describe("mcp schedule and kind: Schedule in mcp apply", () => {
  let p: TestPlatform;
  let dir: string;
  let workflow: string;

  beforeAll(async () => {
    p = await startPlatform();
    dir = await mkdtemp(join(tmpdir(), "mcp-schedule-cli-"));
    workflow = await oneStepWorkflow(p, "echo");
  });
  afterAll(async () => {
    await p?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates, shows, lists, updates, triggers, pauses, resumes and deletes a schedule", async () => {
    const name = uniqueName("cli");
    const created = await cliAgainst(
      p,
      ...["schedule", "create", name, "--workflow", workflow, "--cron", "0 0 0 1 1 * 2099"],
      ...[
        "--time-zone",
        "Europe/Paris",
        "--overlap",
        "allow",
        "--catch-up",
        "5m",
        "-i",
        "text=hi",
        "--paused",
      ],
    );
    expect(created.stderr).toBe("");
    expect(created.stdout).toMatch(new RegExp(`^created schedule/${name}; next fire -`));
    const updated = await cliAgainst(p, "schedule", "update", name, "--description", "nightly report");
    expect(updated.stdout.trim()).toBe(`updated schedule/${name} (description)`);
    const schedule = (await scheduleClient(p.executors[0]!.server.url).getSchedule({ name })).schedule!;
    expect(schedule.overlapPolicy).toBe(OverlapPolicy.ALLOW);
    expect(Number(schedule.catchUpWindow!.seconds)).toBe(300);
    expect(schedule.inputs).toEqual({ text: "hi" });
    expect(schedule.description).toBe("nightly report");

    const triggered = await cliAgainst(p, "schedule", "trigger", name);
    expect(triggered.stdout).toMatch(new RegExp(`^triggered schedule/${name}: run [0-9a-f-]{36}`));
    const got = await cliAgainst(p, "schedule", "get", name);
    expect(got.stdout).toMatch(/Cron: +0 0 0 1 1 \* 2099 \(Europe\/Paris\)/);
    expect(got.stdout).toMatch(/State: +paused/);
    expect(got.stdout).toMatch(/manual +started/);
    const json = JSON.parse((await cliAgainst(p, "schedule", "get", name, "-o", "json")).stdout) as {
      schedule: { recentTicks: { outcome: string }[] };
    };
    expect(json.schedule.recentTicks.map((t) => t.outcome)).toEqual(["TICK_OUTCOME_STARTED"]);

    const resumed = await cliAgainst(p, "schedule", "resume", name);
    // midnight in Paris is 23:00 UTC the day before
    expect(resumed.stdout).toMatch(/next fire 2098-12-31T23:00:00Z/);
    const listed = await cliAgainst(p, "schedule", "list", "--workflow", workflow);
    expect(listed.stdout).toMatch(
      new RegExp(`${name} +${workflow} +0 0 0 1 1 \\* 2099 +Europe/Paris +allow +active`),
    );
    expect((await cliAgainst(p, "schedule", "pause", name, "--reason", "x")).stdout.trim()).toBe(
      `paused schedule/${name}`,
    );
    expect((await cliAgainst(p, "schedule", "delete", name)).stdout.trim()).toBe(`deleted schedule/${name}`);
    const gone = await cliAgainst(p, "schedule", "get", name);
    expect(gone.code).not.toBe(0);
    expect(gone.stderr).toMatch(/schedule .* not found/);
  });

  it("refuses bad flags and bad input with the server's reason, creating nothing", async () => {
    const name = uniqueName("cli-bad");
    const badCron = await cliAgainst(
      p,
      "schedule",
      "create",
      name,
      "--workflow",
      workflow,
      "--cron",
      "99 * * * *",
      "-i",
      "text=x",
    );
    expect(badCron.code).not.toBe(0);
    expect(badCron.stderr).toMatch(/spec\.cron/);
    const badOverlap = await cliAgainst(
      p,
      ...[
        "schedule",
        "create",
        name,
        "--workflow",
        workflow,
        "--cron",
        "* * * * *",
        "--overlap",
        "sometimes",
      ],
    );
    expect(badOverlap.code).not.toBe(0);
    expect(badOverlap.stderr).toMatch(/--overlap "sometimes"/);
    const list = await cliAgainst(p, "schedule", "list");
    expect(list.stdout).not.toContain(name);
  });

  it("applies examples/schedule.yaml with the workflow it names, and triggers it to a run", async () => {
    const applied = await cliAgainst(
      p,
      "apply",
      "-f",
      "examples/echo-concat.yaml",
      "-f",
      "examples/schedule.yaml",
    );
    expect(applied.stderr).toBe("");
    expect(applied.stdout).toMatch(/created schedule\/weekday-greeting$/m);
    const triggered = await cliAgainst(p, "schedule", "trigger", "weekday-greeting");
    const runId = /run ([0-9a-f-]{36})/.exec(triggered.stdout)?.[1];
    expect(runId).toBeDefined();
    const shown = await cliAgainst(p, "schedule", "get", "weekday-greeting");
    expect(shown.stdout).toMatch(/Cron: +0 30 7 \* \* 1-5 \(Europe\/Berlin\)/);
    expect(shown.stdout).toContain(runId!);
  });

  it("applies a kind: Schedule manifest beside its workflow, idempotently", async () => {
    const name = uniqueName("manifest");
    const file = join(dir, "schedule.yaml");
    const manifest = (cron: string) => `kind: Schedule
name: ${name}
paused: true
spec:
  workflow: { name: ${workflow} }
  inputs: { text: from-manifest }
  cron: "${cron}"
  timeZone: America/New_York
  overlapPolicy: OVERLAP_POLICY_BUFFER_ONE
  catchUpWindow: 120s
`;
    await writeFile(file, manifest("0 0 6 * * 1-5"));
    expect((await cliAgainst(p, "apply", "-f", file)).stdout.trim()).toBe(`created schedule/${name}`);
    expect((await cliAgainst(p, "apply", "-f", file)).stdout.trim()).toBe(`unchanged schedule/${name}`);
    await writeFile(file, manifest("0 30 6 * * 1-5"));
    expect((await cliAgainst(p, "apply", "-f", file)).stdout.trim()).toBe(`updated schedule/${name}`);
    const s = (await scheduleClient(p.executors[0]!.server.url).getSchedule({ name })).schedule!;
    expect(s.cron).toBe("0 30 6 * * 1-5");
    expect(s.overlapPolicy).toBe(OverlapPolicy.BUFFER_ONE);
    expect(s.paused).toBe(true);
  });
});
