import { createServer } from "node:net";
import { RunStatus, type RunEvent } from "@mcp/proto/executor";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { input, spec, step } from "../support/run-specs";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

async function deadRedisUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return `redis://127.0.0.1:${port}`;
}

describe("executor with Redis unreachable", () => {
  let p: TestPlatform;
  const echo = uniqueName("echo");
  const workflow = uniqueName("no-redis");

  beforeAll(async () => {
    // the executor's Redis is a dead port: no locks, no pub/sub, no cache
    p = await startPlatform({ executorEnv: { REDIS_URL: await deadRedisUrl() } });
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    await p.clients.workflows.createWorkflow({
      name: workflow,
      spec: spec(
        [
          step("a", echo, { inputs: { text: input("text") } }),
          step("b", echo, { dependsOn: ["a"], inputs: { text: input("text") } }),
        ],
        {
          inputs: [{ name: "text", required: true }],
          outputs: [{ name: "text", stepId: "b", output: "text" }],
        },
      ),
    });
  });
  afterAll(async () => {
    await p.stop();
  });

  it("still runs workflows to the end, guarded by the database fence alone", async () => {
    const { run } = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { text: "still here" },
      wait: true,
      waitTimeoutSeconds: 120,
    });
    expect(run?.status).toBe(RunStatus.SUCCEEDED);
    expect(run?.outputs).toEqual({ text: "still here" });
  });

  it("WatchRun still follows a run to its end, from the database", async () => {
    const { run } = await p.clients.executor.executeWorkflow({
      workflow: { workflow: { case: "name", value: workflow } },
      inputs: { text: "watched" },
    });
    const events: RunEvent[] = [];
    for await (const msg of p.clients.executor.watchRun({ id: run!.id })) events.push(msg.event!);
    const last = events.at(-1)!;
    expect(
      last.event.case === "runSnapshot"
        ? last.event.value.status
        : last.event.case === "runStatus"
          ? last.event.value.status
          : undefined,
    ).toBe(RunStatus.SUCCEEDED);
  });
});
