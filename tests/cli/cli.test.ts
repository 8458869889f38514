import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { RunStatus } from "@mcp/proto/executor";
import { cliAgainst, type CliResult } from "../support/cli";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";
import { FAIL_SCRIPT } from "../support/scripts";

const ROOT = resolve(__dirname, "../..");
const BIN = resolve(ROOT, "cli/bin/mcpctl.cjs");

/** Runs `mcp ARGS` as a child process against the platform under test (no TTY: line-mode progress). */
const mcp = (p: TestPlatform, ...args: string[]): Promise<CliResult> => cliAgainst(p, ...args);

/**
 * A copy of an example manifest whose MCP and workflow names end in `-<suffix>` (every reference too).
 * The services' Redis cache is shared by every suite's database, so fixed names could meet another
 * run's cached entries; everything else is the example file as it is.
 */
async function exampleCopy(dir: string, file: string, suffix: string): Promise<string> {
  const text = (await readFile(resolve(ROOT, "examples", file), "utf8"))
    .replace(/\b(example-[a-z]+)\b/g, `$1-${suffix}`)
    .replace(/^name: (echo-concat|text-stats)$/gm, `name: $1-${suffix}`);
  const copy = join(dir, file);
  await writeFile(copy, text);
  return copy;
}

describe("mcp CLI against the real services", () => {
  let p: TestPlatform;
  let dir: string;
  const sfx = randomUUID().slice(0, 8);
  const n = (name: string) => `${name}-${sfx}`;
  let echoConcat = "";
  let parallelDag = "";

  beforeAll(async () => {
    // every step's start written at once, so the progress line can name the (quick) current step
    p = await startPlatform({
      executorEnv: { EXECUTOR_START_WRITE_DELAY_MS: "0", SECRETS_KEY: randomBytes(32).toString("base64") },
    });
    dir = await mkdtemp(join(tmpdir(), "mcp-cli-"));
    echoConcat = await exampleCopy(dir, "echo-concat.yaml", sfx);
    parallelDag = await exampleCopy(dir, "parallel-dag.yaml", sfx);
  });
  afterAll(async () => {
    await p?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("apply › creates the example's MCPs before its workflow, then reports them unchanged", async () => {
    const first = await mcp(p, "apply", "-f", echoConcat);
    expect(first).toMatchObject({ code: 0, stderr: "" });
    expect(first.stdout.trim().split("\n")).toEqual([
      `created mcp/${n("example-echo")} v1`,
      `created mcp/${n("example-concat")} v1`,
      `created workflow/${n("echo-concat")} v1`,
    ]);

    const again = await mcp(p, "apply", "-f", echoConcat);
    expect(again.code).toBe(0);
    expect(again.stdout.trim().split("\n")).toEqual([
      `unchanged mcp/${n("example-echo")} v1`,
      `unchanged mcp/${n("example-concat")} v1`,
      `unchanged workflow/${n("echo-concat")} v1`,
    ]);
    const versions = await p.clients.registry.listMcpVersions({
      mcp: { case: "name", value: n("example-echo") },
    });
    expect(versions.versions).toHaveLength(1);
  });

  it("the secret example › the step gets the secret set with `mcp secret set`; the run shows it masked", async () => {
    const file = await exampleCopy(dir, "secret-token.yaml", sfx);
    const set = await mcp(p, "secret", "set", "EXAMPLE_TOKEN", "--value", "s3cret-value");
    expect(set.code).toBe(0);
    expect((await mcp(p, "apply", "-f", file)).code).toBe(0);
    const res = await mcp(p, "run", n("example-token") + "-check", "--input", "text=hi");
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('"length": 12');
    expect(res.stdout).toContain('"echo": "*** says hi"');
    expect(res.stdout + res.stderr).not.toContain("s3cret-value");
  });

  it("apply › writes a new version when the content changed", async () => {
    const name = uniqueName("changing");
    const file = join(dir, "changing.yaml");
    const manifest = (text: string) =>
      `kind: Mcp\nname: ${name}\nconfig:\n  pythonScript:\n    scriptContent: print(${JSON.stringify(text)})\n`;
    await writeFile(file, manifest("one"));
    expect((await mcp(p, "apply", "-f", file)).stdout.trim()).toBe(`created mcp/${name} v1`);
    await writeFile(file, manifest("two"));
    expect((await mcp(p, "apply", "-f", file)).stdout.trim()).toBe(`updated mcp/${name} v2`);
  });

  it("apply › rejects a manifest with an unknown field with exit code 2 and names the document", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, "kind: Mcp\nname: bad\nconfg: {}\n");
    const res = await mcp(p, "apply", "-f", file);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("document 1 (Mcp/bad): unknown field(s) confg");
  });

  let runId = "";

  it("run › streams progress lines (done/total, current step, elapsed), prints the outputs and exits 0", async () => {
    const res = await mcp(p, "run", n("echo-concat"), "--input", "text=hi");
    expect(res.code).toBe(0);
    const lines = res.stderr.split("\n");
    expect(lines.some((l) => /^1\/2 steps · current: .* · \d+\.\ds · step echo succeeded$/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => /^2\/2 steps · current: - · \d+\.\ds · step concat succeeded$/.test(l))).toBe(
      true,
    );
    expect(lines.some((l) => /current: concat/.test(l))).toBe(true);
    expect(res.stdout).toMatch(/^run \S+ succeeded · 2\/2 steps · current: - · \d+\.\ds$/m);
    const outputs = res.stdout.slice(res.stdout.indexOf("outputs:") + "outputs:".length);
    expect(JSON.parse(outputs)).toEqual({ result: "echo says: hi" });
    runId = /^run (\S+) started/m.exec(res.stderr)![1]!;
    const run = await p.clients.executor.getRun({ id: runId });
    expect(run.run?.status).toBe(RunStatus.SUCCEEDED);
  });

  it("run › exits 1 and names the failed step when a step fails", async () => {
    const failing = uniqueName("failing");
    const workflow = uniqueName("doomed");
    const file = join(dir, "failing.yaml");
    await writeFile(
      file,
      JSON.stringify([
        { kind: "Workflow", name: workflow, spec: { steps: [{ stepId: "boom", mcp: { name: failing } }] } },
        { kind: "Mcp", name: failing, config: { pythonScript: { scriptContent: FAIL_SCRIPT } } },
      ]),
    );
    const applied = await mcp(p, "apply", "-f", file);
    expect(applied.stdout.trim().split("\n")).toEqual([
      `created mcp/${failing} v1`,
      `created workflow/${workflow} v1`,
    ]);

    const res = await mcp(p, "run", workflow);
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/1\/1 steps · current: - · \d+\.\ds · step boom failed/);
    expect(res.stderr).toMatch(/run \S+ failed/);
    expect(res.stderr).toContain("deliberate failure");
  });

  it("run › a parallel fan-out/fan-in example runs to the end", async () => {
    expect((await mcp(p, "apply", "-f", parallelDag)).code).toBe(0);
    const res = await mcp(p, "run", n("text-stats"), "--input", "text=hello");
    expect(res.code).toBe(0);
    expect(res.stderr).toMatch(/^4\/4 steps .* step merge succeeded$/m);
    expect(res.stdout).toContain('"summary": "HELLO / olleh / 5 characters"');
  });

  it("run › exits 1 for an unknown workflow and 2 for a malformed input, each with a clear message", async () => {
    const missing = await mcp(p, "run", "no-such-workflow");
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error: executor: NotFound/);
    const malformed = await mcp(p, "run", n("echo-concat"), "--input", "text");
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toContain("expected key=value");
  });

  it("runs › lists the run; logs › shows each step's stdout and stderr", async () => {
    const listed = await mcp(p, "runs", "--workflow", n("echo-concat"));
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^${runId}\\s+${n("echo-concat")} v1\\s+succeeded\\s`, "m"));
    const one = await mcp(p, "get", "run", runId);
    expect(one.stdout).toMatch(
      new RegExp(`^${runId}\\s+${n("echo-concat")} v1\\s+succeeded\\s+2 succeeded of 2\\s`, "m"),
    );
    // -o json asks ListRuns for the FULL view: each run with its inputs and outputs
    const json = await mcp(p, "runs", "-o", "json");
    const listedRuns = (JSON.parse(json.stdout) as { runs: { id: string; inputs?: unknown }[] }).runs;
    expect(listedRuns.find((r) => r.id === runId)?.inputs).toEqual({ text: "hi" });

    const logs = await mcp(p, "logs", runId);
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain(`==> step echo (${n("example-echo")} v1, succeeded) <==`);
    expect(logs.stdout).toContain("echo received: hi");
    expect(logs.stdout).toContain("echo: nothing wrong, this line goes to stderr");
    expect(logs.stdout).toContain(`==> step concat (${n("example-concat")} v1, succeeded) <==`);
    expect(logs.stdout).toContain("concat produced: echo says: hi");
  });

  it("rerun › re-runs a run from a step as a new run, keeping the steps before it; get run shows the link", async () => {
    const res = await mcp(p, "rerun", runId, "--from", "concat");
    expect(res.code).toBe(0);
    const started = /^run (\S+) started: re-run of (\S+), from step concat; reused: echo$/m.exec(res.stderr);
    expect(started?.[2]).toBe(runId);
    const rerunId = started![1]!;
    expect(res.stdout).toMatch(new RegExp(`^run ${rerunId} succeeded`, "m"));
    const outputs = res.stdout.slice(res.stdout.indexOf("outputs:") + "outputs:".length);
    expect(JSON.parse(outputs)).toEqual({ result: "echo says: hi" });
    const got = await mcp(p, "get", "run", rerunId);
    expect(got.stdout).toContain(`re-run of run ${runId}, from step concat; reused from it: echo`);

    const latest = await mcp(p, "rerun", runId, "--from", "concat", "--latest", "--detach");
    expect(latest.code).toBe(1);
    expect(latest.stderr).toContain(`MCP "${n("example-concat")}" (step "concat") has no "production" label`);
    const unknown = await mcp(p, "rerun", runId, "--from", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('the run has no step "nope"; its steps: "echo", "concat"');
  });

  it("get / list / delete › JSON follows the contract, tables by default", async () => {
    const got = await mcp(p, "get", "mcp", n("example-echo"), "-o", "json");
    expect(got.code).toBe(0);
    const parsed = JSON.parse(got.stdout) as {
      mcp: { name: string; type: string };
      version: { version: number };
    };
    expect(parsed.mcp).toMatchObject({ name: n("example-echo"), type: "MCP_TYPE_PYTHON_SCRIPT" });
    expect(parsed.version.version).toBe(1);

    const table = await mcp(p, "list", "workflows");
    expect(table.stdout.split("\n")[0]).toMatch(/^NAME\s+CURRENT\s+LATEST/);
    expect(table.stdout).toMatch(new RegExp(`^${n("echo-concat")}\\s+v1\\s+v1`, "m"));

    const wf = await mcp(p, "get", "workflow", n("echo-concat"), "-o", "json");
    expect(
      (JSON.parse(wf.stdout) as { version: { spec: { steps: unknown[] } } }).version.spec.steps,
    ).toHaveLength(2);

    const name = uniqueName("gone");
    const file = join(dir, "gone.yaml");
    await writeFile(file, `kind: Mcp\nname: ${name}\nconfig: {pythonScript: {scriptContent: "print(1)"}}\n`);
    await mcp(p, "apply", "-f", file);
    expect((await mcp(p, "delete", "mcp", name)).stdout.trim()).toBe(`deleted mcp/${name}`);
    const after = await mcp(p, "get", "mcp", name);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain("NotFound");
  });

  it("list mcps › filters by --type, --tag, --label and --deprecated and prints facet counts; get mcp › used by", async () => {
    const echo = n("example-echo");
    await p.clients.registry.setMcpLabel({
      mcp: { case: "name", value: echo },
      label: "production",
      version: 1,
    });
    const labelled = await mcp(
      p,
      "list",
      "mcps",
      "--text",
      sfx,
      "--label",
      "production",
      "--type",
      "python_script",
    );
    expect(labelled.code).toBe(0);
    expect(labelled.stdout.split("\n")[0]).toMatch(/^NAME\s+TYPE\s+LATEST\s+LABELS\s+TAGS/);
    expect(labelled.stdout).toMatch(new RegExp(`^${echo}\\s+python_script\\s+v1\\s+production=1`, "m"));
    expect(labelled.stdout).not.toContain(n("example-concat"));

    const facets = await mcp(p, "list", "mcps", "--text", sfx, "--no-deprecated", "--facets");
    expect(facets.stdout).toMatch(/^type: python_script \d+/m);
    expect(facets.stdout).toMatch(/^label: production 1$/m);
    expect(facets.stdout).toMatch(/^deprecated: 0, not deprecated: \d+$/m);
    const deprecated = await mcp(p, "list", "mcps", "--text", sfx, "--deprecated");
    expect(deprecated.stdout.trim().split("\n")).toHaveLength(1); // the header only

    const bad = await mcp(p, "list", "mcps", "--type", "spreadsheet");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('unknown MCP type "spreadsheet"');

    const got = await mcp(p, "get", "mcp", echo);
    expect(got.code).toBe(0);
    expect(got.stdout).toMatch(/^USED BY\s+VERSION\s+STEP\s+SELECTS$/m);
    expect(got.stdout).toMatch(
      new RegExp(`^${n("echo-concat")}\\s+v1 \\(current, latest\\)\\s+\\S+\\s+latest$`, "m"),
    );
  });

  it("exits 2 and names the address when a service cannot be reached", async () => {
    const res = await new Promise<CliResult>((done) => {
      const child = spawn(process.execPath, [BIN, "--registry", "http://127.0.0.1:9", "list", "mcps"], {
        cwd: ROOT,
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      child.on("close", (code) => done({ code, stdout: "", stderr }));
    });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain("cannot reach the registry at http://127.0.0.1:9");
  });
});
