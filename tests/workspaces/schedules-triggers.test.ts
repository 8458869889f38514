import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { Code, createClient, type Interceptor } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  ExecutorService,
  RunStatus,
  ScheduleService,
  TickOutcome,
  TriggerService,
  type WorkflowRun,
} from "@mcp/proto/executor";
import { RegistryService, WorkspaceService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, spec, step } from "../support/run-specs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";
import { waitFor } from "../support/wait-for";

/** Far in the future: the schedules here fire only when triggered. */
const NEVER = "0 0 0 1 1 * 2099";

const sign = (secret: string, body: string) =>
  `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;

/** The executor's and definition services' clients acting in `workspace` (the `x-mcp-workspace` header). */
function clientsIn(p: TestPlatform, workspace: string) {
  const header: Interceptor = (next) => (req) => {
    req.header.set("x-mcp-workspace", workspace);
    return next(req);
  };
  const transport = (url: string) => createGrpcTransport({ baseUrl: url, interceptors: [header] });
  const executorUrl = p.executors[0]!.server.url;
  return {
    registry: createClient(RegistryService, transport(p.registry.url)),
    workflows: createClient(WorkflowService, transport(p.workflows.server.url)),
    executor: createClient(ExecutorService, transport(executorUrl)),
    schedules: createClient(ScheduleService, transport(executorUrl)),
    triggers: createClient(TriggerService, transport(executorUrl)),
  };
}

/**
 * Schedules and webhook triggers are per workspace (docs/adr/021): two workspaces hold a workflow, a
 * schedule and a trigger of the SAME names, and nothing one does reaches the other.
 */
describe("schedules and triggers across workspaces", () => {
  let p: TestPlatform;
  const teamA = uniqueName("sched-a").toLowerCase();
  const teamB = uniqueName("sched-b").toLowerCase();
  const workflow = uniqueName("greet");
  const schedule = uniqueName("nightly");
  const hook = uniqueName("hook");
  const secrets: Record<string, string> = {};
  const scheduleIds: Record<string, string> = {};

  async function finished(workspace: string, id: string): Promise<WorkflowRun> {
    const c = clientsIn(p, workspace);
    return waitFor(
      `run ${id} of ${workspace} to finish`,
      async () => {
        const { run } = await c.executor.getRun({ id });
        return run && run.status === RunStatus.SUCCEEDED ? run : undefined;
      },
      { timeoutMs: 120_000 },
    );
  }

  async function post(path: string, body: string, headers: Record<string, string>) {
    const res = await fetch(`${p.executors[0]!.server.url}/hooks/${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  beforeAll(async () => {
    p = await startPlatform({
      executorEnv: { SECRETS_KEY: randomBytes(32).toString("base64"), SCHEDULE_POLL_MS: "200" },
    });
    const admin = createClient(WorkspaceService, createGrpcTransport({ baseUrl: p.registry.url }));
    for (const ws of [teamA, teamB]) {
      await admin.createWorkspace({ name: ws });
      const c = clientsIn(p, ws);
      const mcp = uniqueName("echo");
      await c.registry.createMcp({ name: mcp, config: scriptConfig(ECHO_SCRIPT) });
      await c.workflows.createWorkflow({
        name: workflow,
        spec: spec([step("echo", mcp, { inputs: { text: input("text") } })], {
          inputs: [{ name: "text", required: true }],
          outputs: [{ name: "said", stepId: "echo", output: "text" }],
        }),
      });
      const created = await c.schedules.createSchedule({
        name: schedule,
        spec: {
          workflow: { workflow: { case: "name", value: workflow } },
          inputs: { text: `scheduled in ${ws}` },
          cron: NEVER,
        },
        paused: true,
      });
      scheduleIds[ws] = created.schedule!.id;
      const trigger = await c.triggers.createTrigger({
        name: hook,
        workflow: { workflow: { case: "name", value: workflow } },
      });
      expect(trigger.trigger!.path).toBe(`/hooks/${ws}/${hook}`);
      secrets[ws] = trigger.secret;
    }
  }, 120_000);
  afterAll(async () => {
    await p?.stop();
  });

  it("each workspace lists and reads only its own schedule and trigger of the shared names", async () => {
    expect(scheduleIds[teamA]).not.toBe(scheduleIds[teamB]);
    expect(secrets[teamA]).not.toBe(secrets[teamB]);
    for (const ws of [teamA, teamB]) {
      const c = clientsIn(p, ws);
      const listed = await c.schedules.listSchedules({});
      expect(listed.schedules.map((s) => [s.name, s.id])).toEqual([[schedule, scheduleIds[ws]]]);
      expect((await c.schedules.getSchedule({ name: schedule })).schedule!.inputs).toEqual({
        text: `scheduled in ${ws}`,
      });
      expect((await c.triggers.listTriggers({})).triggers.map((t) => t.name)).toEqual([hook]);
    }
    // the default workspace has neither
    const none = clientsIn(p, "default");
    await expectCode(none.schedules.getSchedule({ name: schedule }), Code.NotFound);
    await expectCode(none.triggers.getTrigger({ name: hook }), Code.NotFound);
  });

  it("TriggerSchedule runs the workflow of the schedule's own workspace, and the run is invisible to the other", async () => {
    const a = clientsIn(p, teamA);
    const b = clientsIn(p, teamB);
    const fired = await a.schedules.triggerSchedule({ name: schedule, requestId: "same" });
    expect(fired.tick!.outcome).toBe(TickOutcome.STARTED);
    const run = await finished(teamA, fired.run!.id);
    expect(run.workspace).toBe(teamA);
    expect(run.scheduleId).toBe(scheduleIds[teamA]);
    expect(run.outputs).toEqual({ said: `scheduled in ${teamA}` });
    await expectCode(b.executor.getRun({ id: run.id }), Code.NotFound);
    // the same request id in the other workspace is another tick, not a replay of team A's
    const other = await b.schedules.triggerSchedule({ name: schedule, requestId: "same" });
    expect(other.run!.id).not.toBe(run.id);
    expect((await finished(teamB, other.run!.id)).outputs).toEqual({ said: `scheduled in ${teamB}` });
    // team A's schedule shows only its own tick
    const view = (await a.schedules.getSchedule({ name: schedule })).schedule!;
    expect(view.recentTicks.map((t) => t.runId)).toEqual([run.id]);
  });

  it("a webhook reaches only the trigger its path names, checked with that trigger's own secret", async () => {
    const body = JSON.stringify({ text: "hooked" });
    // team B's secret on team A's path: refused, nothing started
    const forged = await post(`${teamA}/${hook}`, body, { "x-hub-signature-256": sign(secrets[teamB]!, body) });
    expect(forged.status).toBe(401);
    // no trigger of that name in `default`
    const unknown = await post(hook, body, { "x-hub-signature-256": sign(secrets[teamA]!, body) });
    expect(unknown.status).toBe(404);

    const delivery = randomUUID();
    const runs: Record<string, string> = {};
    for (const ws of [teamA, teamB]) {
      const answer = await post(`${ws}/${hook}`, body, {
        "x-hub-signature-256": sign(secrets[ws]!, body),
        "x-delivery-id": delivery,
      });
      expect(answer.status).toBe(202);
      // the same delivery id in the other workspace is not a replay
      expect(answer.json["replayed"]).toBe(false);
      runs[ws] = answer.json["runId"] as string;
    }
    expect(runs[teamA]).not.toBe(runs[teamB]);
    for (const ws of [teamA, teamB]) {
      const run = await finished(ws, runs[ws]!);
      expect(run.workspace).toBe(ws);
      expect(run.outputs).toEqual({ said: "hooked" });
    }
    await expectCode(clientsIn(p, teamB).executor.getRun({ id: runs[teamA]! }), Code.NotFound);
    // replayed within its own workspace: the same run
    const replay = await post(`${teamA}/${hook}`, body, {
      "x-hub-signature-256": sign(secrets[teamA]!, body),
      "x-delivery-id": delivery,
    });
    expect(replay.json).toEqual({ runId: runs[teamA], replayed: true });
  });

  it("deleting team A's schedule and trigger leaves team B's", async () => {
    const a = clientsIn(p, teamA);
    const b = clientsIn(p, teamB);
    await a.schedules.deleteSchedule({ name: schedule });
    await a.triggers.deleteTrigger({ name: hook });
    await expectCode(a.schedules.getSchedule({ name: schedule }), Code.NotFound);
    expect((await b.schedules.getSchedule({ name: schedule })).schedule!.id).toBe(scheduleIds[teamB]);
    expect((await b.triggers.getTrigger({ name: hook })).trigger!.name).toBe(hook);
  });
});
