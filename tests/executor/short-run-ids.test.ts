/**
 * Issue #19: short run ids. ResolveRunId turns a unique prefix (8+ hex digits) into the full id, and
 * the CLI accepts such a prefix wherever it takes a run id; NOT_FOUND when no run matches and
 * FAILED_PRECONDITION (AMBIGUOUS_RUN_ID, the candidates listed) when several do.
 */
import { Code } from "@connectrpc/connect";
import { RunStatus } from "@mcp/proto/executor";
import { cliAgainst } from "../support/cli";
import { expectCode } from "../support/errors";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { addRunSharingPrefix } from "../support/run-twins";
import { ECHO_SCRIPT, scriptConfig } from "../support/scripts";

describe("short run ids (ResolveRunId and the CLI)", () => {
  let p: TestPlatform;
  let runId = "";
  const echo = uniqueName("echo");

  beforeAll(async () => {
    p = await startPlatform();
    await p.clients.registry.createMcp({ name: echo, config: scriptConfig(ECHO_SCRIPT) });
    const res = await p.clients.executor.runMcp({
      mcp: { mcp: { case: "name", value: echo } },
      inputs: { text: "short" },
      wait: true,
      waitTimeoutSeconds: 60,
    });
    expect(res.run?.status).toBe(RunStatus.SUCCEEDED);
    runId = res.run!.id;
  }, 240_000);

  afterAll(async () => {
    await p?.stop();
  });

  it("ResolveRunId › a unique prefix, upper case or with the hyphen, gives the full id", async () => {
    const { executor } = p.clients;
    expect((await executor.resolveRunId({ prefix: runId.slice(0, 8) })).id).toBe(runId);
    expect((await executor.resolveRunId({ prefix: runId.slice(0, 11).toUpperCase() })).id).toBe(runId);
    expect((await executor.resolveRunId({ prefix: runId })).id).toBe(runId);
  });

  it("ResolveRunId › INVALID_ARGUMENT for fewer than 8 hex digits or other characters, NOT_FOUND for no match", async () => {
    const { executor } = p.clients;
    const short = await expectCode(
      executor.resolveRunId({ prefix: runId.slice(0, 7) }),
      Code.InvalidArgument,
    );
    expect(short.rawMessage).toContain("prefix");
    await expectCode(executor.resolveRunId({ prefix: "zzzzzzzz" }), Code.InvalidArgument);
    await expectCode(executor.resolveRunId({ prefix: "" }), Code.InvalidArgument);
    const unmatched = runId.startsWith("0") ? "ffffffff" : "00000000";
    const none = await expectCode(executor.resolveRunId({ prefix: unmatched }), Code.NotFound);
    expect(none.rawMessage).toContain(`run "${unmatched}" not found`);
  });

  it("CLI › get run, logs and runs --parent take the first 8 hex digits of the run id", async () => {
    const prefix = runId.slice(0, 8);
    const got = await cliAgainst(p, "get", "run", prefix);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(
      new RegExp(`^${runId}\\s+mcp/${echo} v1\\s+succeeded\\s+1 succeeded of 1\\s`, "m"),
    );
    const logs = await cliAgainst(p, "logs", prefix);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toMatch(new RegExp(`^==> step \\S+ \\(${echo} v1, succeeded\\) <==$`, "m"));
    const children = await cliAgainst(p, "runs", "--parent", prefix);
    expect(children.code).toBe(0);
    expect(children.stderr).toBe("");
  });

  it("CLI › cancel takes a prefix too, and says the run already finished", async () => {
    const res = await cliAgainst(p, "cancel", runId.slice(0, 8), "--reason", "too late");
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("FailedPrecondition");
    expect(res.stderr).toMatch(/finished/i);
  });

  it("an ambiguous prefix › FAILED_PRECONDITION (AMBIGUOUS_RUN_ID) listing both runs; more digits pick one", async () => {
    const twin = await addRunSharingPrefix(p.db.url, runId);
    const prefix = runId.slice(0, 8);
    const err = await expectCode(p.clients.executor.resolveRunId({ prefix }), Code.FailedPrecondition);
    expect(err.rawMessage).toContain("ambiguous");
    expect(err.rawMessage).toContain(runId);
    expect(err.rawMessage).toContain(twin);

    const cli = await cliAgainst(p, "get", "run", prefix);
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain("ambiguous");
    expect(cli.stderr).toContain(twin);
    // the full id still works, and a longer prefix is unique again
    expect((await cliAgainst(p, "get", "run", runId)).code).toBe(0);
    expect((await p.clients.executor.resolveRunId({ prefix: runId.slice(0, 20) })).id).toBe(runId);
  });
});
