import { Code, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ScheduleService } from "@mcp/proto/executor";
import { health, reflectionV1 } from "@mcp/proto/grpc";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import { generateApiKey } from "@mcp/runtime";
import { createKey } from "../auth/keys";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { oneStepWorkflow, scheduleClient } from "../support/schedules";

const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

describe("ScheduleService with API keys on", () => {
  let p: TestPlatform;
  let keys: DataSource;
  let runner: string;
  let writer: string;
  let workflow: string;
  const service = generateApiKey();

  beforeAll(async () => {
    p = await startPlatform({
      env: { AUTH_ENABLED: "true", AUTH_CACHE_MS: "300", SERVICE_API_KEY: service.token },
    });
    keys = (await openDatabase({ url: p.db.url, poolSize: 2 })).dataSource;
    await new ApiKeyStore(keys).create({
      id: service.id,
      name: "platform-services",
      secretHash: service.secretHash,
      role: "viewer",
    });
    runner = await createKey(p.db.url, uniqueName("runner"), "operator");
    writer = await createKey(p.db.url, uniqueName("writer"), "editor");
    // the workflow and its MCP are definitions: an editor writes them
    workflow = await oneStepWorkflow(p, "echo", bearer(writer));
  });
  afterAll(async () => {
    await keys?.destroy();
    await p?.stop();
  });

  it("ScheduleService is in the executor's health and reflection, open without a key", async () => {
    const transport = createGrpcTransport({ baseUrl: p.executors[0]!.server.url });
    const checked = await createClient(health.Health, transport).check({ service: ScheduleService.typeName });
    expect(checked.status).toBe(health.HealthCheckResponse_ServingStatus.SERVING);
    const reflection = createClient(reflectionV1.ServerReflection, transport);
    async function* ask() {
      yield { messageRequest: { case: "listServices" as const, value: "" } };
    }
    for await (const res of reflection.serverReflectionInfo(ask())) {
      if (res.messageResponse.case !== "listServicesResponse") throw new Error("no service list");
      expect(res.messageResponse.value.service.map((s) => s.name)).toContain(ScheduleService.typeName);
      break;
    }
  });

  it("writes need the operator role (a schedule starts runs); reads need a key (viewer)", async () => {
    const schedules = scheduleClient(p.executors[0]!.server.url);
    const name = uniqueName("auth");
    const request = {
      name,
      spec: {
        workflow: { workflow: { case: "name" as const, value: workflow } },
        inputs: { text: "x" },
        cron: "0 0 0 1 1 * 2099",
      },
    };
    await expectCode(schedules.createSchedule(request), Code.Unauthenticated);
    const denied = await expectCode(schedules.createSchedule(request, bearer(writer)), Code.PermissionDenied);
    expect(denied.rawMessage).toContain('CreateSchedule needs the "operator" role in workspace "default"');
    expect(denied.rawMessage).toContain('has "editor"');
    await schedules.createSchedule(request, bearer(runner));
    await expectCode(schedules.getSchedule({ name }), Code.Unauthenticated);
    expect((await schedules.getSchedule({ name }, bearer(writer))).schedule!.name).toBe(name);
    expect((await schedules.listSchedules({}, bearer(writer))).schedules.map((s) => s.name)).toContain(name);
    await expectCode(schedules.triggerSchedule({ name }), Code.Unauthenticated);
    await expectCode(schedules.pauseSchedule({ name }, bearer(writer)), Code.PermissionDenied);
    const fired = await schedules.triggerSchedule({ name }, bearer(runner));
    expect(fired.run?.scheduleId).toBe((await schedules.getSchedule({ name }, bearer(runner))).schedule!.id);
    await schedules.deleteSchedule({ name }, bearer(runner));
  });
});
