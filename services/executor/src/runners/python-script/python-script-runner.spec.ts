import { existsSync } from "node:fs";
import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { McpConfigSchema, McpType, type PythonScriptConfig } from "@mcp/proto/registry";
import { eventually, processesWith } from "@mcp/sandbox/testing";
import { Sandbox } from "@mcp/sandbox";
import { resolvePython } from "../../sandbox/resolve-python.js";
import { buildProbeWheel } from "../../sandbox/testing.js";
import { PythonScriptRunner } from "./python-script-runner.js";
import { type JsonObject, type StepContext } from "../../step/index.js";
import { closeSpecSandbox, specSandbox, stepContext, stepFailureOf } from "../testing.js";

// the specs' sandbox (its watchdog and folder) goes with this file
afterAll(closeSpecSandbox);

jest.setTimeout(60_000);

type ConfigInit = Partial<Omit<PythonScriptConfig, "$typeName" | "source">> & {
  source: PythonScriptConfig["source"];
};

function contextFor(
  config: ConfigInit,
  inputs: JsonObject = {},
  signal = new AbortController().signal,
): StepContext {
  return stepContext(McpType.PYTHON_SCRIPT, { case: "pythonScript", value: config }, inputs, signal);
}

const inline = (code: string, rest: Omit<ConfigInit, "source"> = {}): ConfigInit => ({
  source: { case: "scriptContent", value: code },
  ...rest,
});

const ECHO = `
import json, sys
data = json.load(open(sys.argv[1]))
json.dump({"success": True, "result": data, "error": None}, open(sys.argv[2], "w"))
`;

/** Writes a valid result holding its working directory, after running `before`. */
const reportingCwd = (before = "") => `
import json, os, sys
print(os.getcwd(), flush=True)
${before}
json.dump({"success": True, "result": {"cwd": os.getcwd()}, "error": None}, open(sys.argv[2], "w"))
`;

describe("PythonScriptRunner", () => {
  let sandbox: Sandbox;
  let runner: PythonScriptRunner;
  beforeAll(async () => {
    sandbox = await specSandbox();
    runner = new PythonScriptRunner({ sandbox });
  });

  describe("runs scripts that follow the argv contract", () => {
    it("returns an echo script's inputs as its outputs", async () => {
      const inputs = { text: "héllo", n: 3, nested: { list: [1, null, true] } };
      const result = await runner.run(contextFor(inline(ECHO), inputs));
      expect(result.outputs).toEqual(inputs);
      expect(result).toMatchObject({
        stdout: "",
        stderr: "",
        stdoutTruncated: false,
        stderrTruncated: false,
      });
    });

    it("concatenates two inputs and keeps what the script printed", async () => {
      const script = `
import json, sys
args = json.load(open(sys.argv[1]))
print("joining", args["a"], args["b"])
with open(sys.argv[2], "w") as f:
    json.dump({"success": True, "result": {"joined": args["a"] + args["b"]}, "error": None}, f)
`;
      const result = await runner.run(contextFor(inline(script), { a: "foo", b: "bar" }));
      expect(result.outputs).toEqual({ joined: "foobar" });
      expect(result.stdout).toBe("joining foo bar\n");
    });

    it("runs a script_path in place, with its folder importable, and passes argv like python3 script.py", async () => {
      const folder = await mkdtemp(join(tmpdir(), "python-spec-path-"));
      await chmod(folder, 0o755);
      const reading = await Sandbox.open({
        mode: "bubblewrap",
        readOnlyPaths: [folder],
        egressDeny: [],
        platformUrls: [],
      });
      const runner = new PythonScriptRunner({ sandbox: reading });
      try {
        await writeFile(join(folder, "helper.py"), "def shout(s):\n    return s.upper()\n");
        const script = join(folder, "main.py");
        await writeFile(
          script,
          `import json, sys\nfrom helper import shout\nargs = json.load(open(sys.argv[1]))\n` +
            `json.dump({"success": True, "result": {"argv": len(sys.argv), "name": __name__, "out": shout(args["s"])}, "error": None}, open(sys.argv[2], "w"))\n`,
        );
        const result = await runner.run(
          contextFor({ source: { case: "scriptPath", value: script } }, { s: "hi" }),
        );
        expect(result.outputs).toEqual({ argv: 3, name: "__main__", out: "HI" });
      } finally {
        await reading.close();
        await rm(folder, { recursive: true, force: true });
      }
    });

    it("fails with INVALID_CONFIG when script_path does not exist", async () => {
      const failure = await stepFailureOf(
        runner.run(contextFor({ source: { case: "scriptPath", value: "/nonexistent/script.py" } })),
      );
      expect(failure.code).toBe("INVALID_CONFIG");
      expect(failure.message).toMatch(/\/nonexistent\/script\.py does not exist/);
    });

    it("refuses a script_path outside SANDBOX_READ_PATHS without reading it", async () => {
      const failure = await stepFailureOf(
        runner.run(contextFor({ source: { case: "scriptPath", value: "/etc/shadow" } })),
      );
      expect(failure.code).toBe("INVALID_CONFIG");
      expect(failure.message).toMatch(
        /script_path \/etc\/shadow is outside the folders sandboxed steps may read/,
      );
      expect(failure.output.stderr ?? "").toBe("");
    });

    it("refuses a config that is not python_script with UNSUPPORTED_MCP_TYPE", async () => {
      const context = contextFor(inline(ECHO));
      const llm = create(McpConfigSchema, { kind: { case: "llmPrompt", value: {} } });
      const failure = await stepFailureOf(runner.run({ ...context, mcp: { ...context.mcp, config: llm } }));
      expect(failure.code).toBe("UNSUPPORTED_MCP_TYPE");
    });
  });

  describe("says which way a script failed", () => {
    it("NONZERO_EXIT with the exit code and the last lines of stderr", async () => {
      const script = `import sys\nprint("partial work")\nprint("disk quota hit", file=sys.stderr)\nsys.exit(3)`;
      const failure = await stepFailureOf(runner.run(contextFor(inline(script))));
      expect(failure.code).toBe("NONZERO_EXIT");
      expect(failure.message).toMatch(/exited with code 3/);
      expect(failure.message).toMatch(/disk quota hit/);
      expect(failure.output).toMatchObject({ stdout: "partial work\n", stderr: "disk quota hit\n" });
    });

    it("NONZERO_EXIT with the traceback of an uncaught exception, starting at the script", async () => {
      const failure = await stepFailureOf(runner.run(contextFor(inline(`raise ValueError("bad input")`))));
      expect(failure.code).toBe("NONZERO_EXIT");
      expect(failure.message).toMatch(/exited with code 1/);
      expect(failure.message).toMatch(/ValueError: bad input/);
      expect(failure.output.stderr).not.toMatch(/runpy/);
    });

    it("NONZERO_EXIT naming the signal that killed the script", async () => {
      const failure = await stepFailureOf(
        runner.run(contextFor(inline(`import ctypes\nctypes.string_at(0)`))),
      );
      expect(failure.code).toBe("NONZERO_EXIT");
      expect(failure.message).toMatch(/killed by signal SIGSEGV/);
    });

    it("CPU_LIMIT when the script gets SIGXCPU (its CPU time, timeout_seconds, is used up)", async () => {
      // the kernel sends SIGXCPU at the soft limit; sent here directly so the test does not race the timeout
      const failure = await stepFailureOf(
        runner.run(
          contextFor(
            inline("import os, signal, time\nos.kill(os.getpid(), signal.SIGXCPU)\ntime.sleep(30)", {
              timeoutSeconds: 20,
            }),
          ),
        ),
      );
      expect(failure.code).toBe("CPU_LIMIT");
      expect(failure.message).toBe("python script used up its CPU time limit of 20 s and was killed");
    });

    it("NO_OUTPUT_FILE when the script exits cleanly without writing argv[2]", async () => {
      const failure = await stepFailureOf(runner.run(contextFor(inline(`print("forgot the output")`))));
      expect(failure.code).toBe("NO_OUTPUT_FILE");
      expect(failure.message).toMatch(/wrote no output file/);
      expect(failure.output.stdout).toBe("forgot the output\n");
    });

    it.each([
      ["not JSON", `open(sys.argv[2], "w").write("{not json")`, /not valid JSON/],
      ["without success", `json.dump({"result": {}}, open(sys.argv[2], "w"))`, /must be \{"success": bool/],
      [
        "with a non-object result",
        `json.dump({"success": True, "result": [1, 2], "error": None}, open(sys.argv[2], "w"))`,
        /"result" must be a JSON object, got an array/,
      ],
      [
        "without a result",
        `json.dump({"success": True, "error": None}, open(sys.argv[2], "w"))`,
        /"result" must be a JSON object, got nothing/,
      ],
    ])("INVALID_OUTPUT for output %s", async (_, write, message) => {
      const failure = await stepFailureOf(runner.run(contextFor(inline(`import json, sys\n${write}`))));
      expect(failure.code).toBe("INVALID_OUTPUT");
      expect(failure.message).toMatch(message);
    });

    it("SCRIPT_REPORTED_FAILURE with the script's own error", async () => {
      const script = `import json, sys\njson.dump({"success": False, "result": {}, "error": "upstream API said no"}, open(sys.argv[2], "w"))`;
      const failure = await stepFailureOf(runner.run(contextFor(inline(script))));
      expect(failure.code).toBe("SCRIPT_REPORTED_FAILURE");
      expect(failure.message).toBe("python script reported failure: upstream API said no");
    });

    it("MEMORY_LIMIT when the script allocates past memory_limit_mb", async () => {
      const script = `big = bytearray(2 * 1024 ** 3)`;
      const failure = await stepFailureOf(runner.run(contextFor(inline(script, { memoryLimitMb: 64 }))));
      expect(failure.code).toBe("MEMORY_LIMIT");
      expect(failure.message).toMatch(/ran out of memory \(memory_limit_mb 64 MiB\)/);
      expect(failure.message).toMatch(/MemoryError/);
    });

    it("allows a 200 MiB allocation under the default 512 MiB cap", async () => {
      const script = `import json, sys\nbuf = bytearray(200 * 1024 ** 2)\njson.dump({"success": True, "result": {"n": len(buf)}, "error": None}, open(sys.argv[2], "w"))`;
      const result = await runner.run(contextFor(inline(script)));
      expect(result.outputs).toEqual({ n: 200 * 1024 ** 2 });
    });
  });

  describe("stops scripts", () => {
    /** Starts a `sleep 300.<marker>` grandchild in a session of its own, then hangs ignoring SIGTERM. */
    const hangsWithGrandchild = (marker: string) => `
import signal, subprocess, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
subprocess.Popen(["sleep", "300.${marker}"], start_new_session=True)
print("started", flush=True)
time.sleep(300)
`;

    const uniqueMarker = () => String(Math.floor(Math.random() * 1e9));

    it("TIMEOUT naming the limit, killing the script's grandchildren too", async () => {
      const marker = uniqueMarker();
      const started = Date.now();
      // 5 s: time for a loaded machine to start the sandbox and the script; the script alone would run 300 s
      const failure = await stepFailureOf(
        runner.run(contextFor(inline(hangsWithGrandchild(marker), { timeoutSeconds: 5 }))),
      );
      expect(failure.code).toBe("TIMEOUT");
      expect(failure.message).toMatch(/timed out after 5 s \(timeout_seconds\)/);
      expect(Date.now() - started).toBeLessThan(30_000);
      expect(failure.output.stdout?.trim()).toBe("started");
      expect(await eventually(() => processesWith(`300.${marker}`).length === 0, 20_000)).toBe(true);
    });

    it("CANCELLED quickly when the step's signal aborts mid-run, killing grandchildren", async () => {
      const marker = uniqueMarker();
      const controller = new AbortController();
      const run = runner.run(contextFor(inline(hangsWithGrandchild(marker)), {}, controller.signal));
      expect(await eventually(() => processesWith(`300.${marker}`).length === 1, 20_000)).toBe(true);
      controller.abort(new Error("run cancelled by user"));
      const started = Date.now();
      const failure = await stepFailureOf(run);
      expect(failure.code).toBe("CANCELLED");
      expect(failure.message).toMatch(/run cancelled by user/);
      expect(Date.now() - started).toBeLessThan(20_000); // the script alone would run 300 s
      expect(await eventually(() => processesWith(`300.${marker}`).length === 0, 20_000)).toBe(true);
    });

    it("CANCELLED without running when the signal is already aborted", async () => {
      const failure = await stepFailureOf(runner.run(contextFor(inline(ECHO), {}, AbortSignal.abort())));
      expect(failure.code).toBe("CANCELLED");
    });
  });

  describe("sandboxes scripts", () => {
    const SECRETS = {
      DATABASE_URL: "postgres://user:secret@db/mcp",
      REDIS_URL: "redis://:secret@cache:6379",
      OPENAI_API_KEY: "sk-secret",
      POSTGRES_PASSWORD: "secret",
    };
    const saved = { ...process.env };
    afterEach(() => {
      for (const name of Object.keys(SECRETS)) delete process.env[name];
      Object.assign(process.env, saved);
    });

    it("gives the script a scrubbed environment: no database, Redis or API credentials", async () => {
      Object.assign(process.env, SECRETS);
      const script = `import json, os, sys\njson.dump({"success": True, "result": {"env": dict(os.environ), "cwd": os.getcwd()}, "error": None}, open(sys.argv[2], "w"))`;
      const result = await runner.run(contextFor(inline(script)));
      const env = result.outputs.env as Record<string, string>;
      for (const name of Object.keys(SECRETS)) expect(env[name]).toBeUndefined();
      expect(JSON.stringify(env)).not.toMatch(/secret/);
      expect(Object.keys(env).sort()).toEqual(
        [
          "HOME",
          "LANG",
          "LC_ALL",
          "PATH",
          "PWD",
          "PYTHONDONTWRITEBYTECODE",
          "PYTHONUNBUFFERED",
          "TMPDIR",
        ].sort(),
      );
      expect(env.HOME).toBe(result.outputs.cwd);
      expect(env.TMPDIR).toBe(result.outputs.cwd);
    });

    it("hands the step's secrets to the script as environment variables", async () => {
      const script = `import json, os, sys\njson.dump({"success": True, "result": {"token": os.environ.get("API_TOKEN")}, "error": None}, open(sys.argv[2], "w"))`;
      const context = { ...contextFor(inline(script)), secrets: new Map([["API_TOKEN", "tok-123"]]) };
      const result = await runner.run(context);
      expect(result.outputs).toEqual({ token: "tok-123" });
    });

    it("never follows an output file that is a symlink to a host file", async () => {
      const script = `import os, sys\nos.symlink("/etc/shadow", sys.argv[2])`;
      const failure = await stepFailureOf(runner.run(contextFor(inline(script))));
      expect(failure.code).toBe("INVALID_OUTPUT");
      expect(failure.message).toBe("python script output (argv[2]) is not a regular file");
    });

    it("PROCESS_LIMIT for a fork bomb, well before its timeout", async () => {
      const started = Date.now();
      const script = `import os, time\nwhile True:\n    try: os.fork()\n    except OSError: time.sleep(0.001)`;
      // a loaded machine (the bomb itself loads it) may take tens of seconds to see the limit reached
      const failure = await stepFailureOf(runner.run(contextFor(inline(script, { timeoutSeconds: 120 }))));
      expect(failure.code).toBe("PROCESS_LIMIT");
      expect(failure.message).toMatch(/reached its limit of \d+ processes and threads/);
      expect(Date.now() - started).toBeLessThan(90_000); // well before its 120 s timeout
    }, 180_000);

    it("FILE_SIZE_LIMIT for a file past the cap, and no network for a version without egress", async () => {
      const big = await stepFailureOf(
        runner.run(contextFor(inline(`open("big", "wb").write(b"x" * (65 * 1024 * 1024))`))),
      );
      expect(big.code).toBe("FILE_SIZE_LIMIT");
      const script = `import json, socket, sys
try:
    socket.create_connection(("127.0.0.1", 5432), timeout=3); r = "connected"
except OSError as e: r = f"errno {e.errno}"
json.dump({"success": True, "result": {"r": r}, "error": None}, open(sys.argv[2], "w"))`;
      expect((await runner.run(contextFor(inline(script)))).outputs.r).toMatch(/^errno \d+$/);
    });

    it("caps stdout and stderr at outputCapBytes and flags the truncation", async () => {
      const capped = new PythonScriptRunner({ sandbox, outputCapBytes: 1_024 });
      const script = `import sys\nsys.stdout.write("o" * 5000)\nsys.stderr.write("e" * 5000)\n${ECHO}`;
      const result = await capped.run(contextFor(inline(script), { ok: true }));
      expect(result.outputs).toEqual({ ok: true });
      expect(result.stdout).toBe("o".repeat(1_024));
      expect(result.stderr).toBe("e".repeat(1_024));
      expect(result).toMatchObject({ stdoutTruncated: true, stderrTruncated: true });
    });

    it("runs in a fresh temp dir that is removed after a success", async () => {
      const first = await runner.run(contextFor(inline(reportingCwd())));
      const second = await runner.run(contextFor(inline(reportingCwd())));
      const cwd = first.outputs.cwd as string;
      expect(cwd.startsWith(tmpdir())).toBe(true);
      expect(second.outputs.cwd).not.toBe(cwd);
      expect(existsSync(cwd)).toBe(false);
    });

    it.each([
      ["a failure", "sys.exit(1)", "NONZERO_EXIT"],
      ["a timeout", "import time; time.sleep(30)", "TIMEOUT"],
    ])("removes the temp dir after %s", async (_, before, code) => {
      const failure = await stepFailureOf(
        runner.run(contextFor(inline(reportingCwd(before), { timeoutSeconds: 1 }))),
      );
      expect(failure.code).toBe(code);
      const cwd = failure.output.stdout?.trim() ?? "";
      expect(cwd.startsWith(tmpdir())).toBe(true);
      expect(existsSync(cwd)).toBe(false);
    });
  });

  describe("installs requirements", () => {
    let venvDir: string;
    beforeEach(async () => {
      venvDir = await mkdtemp(join(tmpdir(), "python-spec-venvs-"));
      await chmod(venvDir, 0o755); // as the default venv folder is: the sandbox user passes through it
    });
    afterEach(async () => {
      await rm(venvDir, { recursive: true, force: true });
    });

    it("fails fast with REQUIREMENTS_UNAVAILABLE when no package index can supply them", async () => {
      const bound = 45_000;
      const offline = new PythonScriptRunner({ sandbox, venvDir, installTimeoutMs: bound });
      const started = Date.now();
      const failure = await stepFailureOf(
        offline.run(contextFor(inline(ECHO, { requirements: ["mcp-no-such-package-4f1c2e==1.0"] }))),
      );
      expect(failure.code).toBe("REQUIREMENTS_UNAVAILABLE");
      expect(failure.message).toMatch(
        /pip install mcp-no-such-package-4f1c2e==1\.0 failed.*package index reachable/,
      );
      expect(Date.now() - started).toBeLessThan(bound);
    });

    it("runs the script with its requirements importable from the MCP version's venv", async () => {
      // an offline wheelhouse, the way an operator points pip at one (PIP_FIND_LINKS, PIP_NO_INDEX)
      const wheelhouse = await mkdtemp(join(tmpdir(), "python-spec-wheels-"));
      await chmod(wheelhouse, 0o755);
      buildProbeWheel(await resolvePython(sandbox, "python3"), wheelhouse);
      process.env.PIP_FIND_LINKS = wheelhouse;
      process.env.PIP_NO_INDEX = "1";
      try {
        const withVenv = new PythonScriptRunner({ sandbox, venvDir, installTimeoutMs: 45_000 });
        const script = `import json, sys, mcp_probe\njson.dump({"success": True, "result": {"value": mcp_probe.VALUE, "prefix": sys.prefix}, "error": None}, open(sys.argv[2], "w"))`;
        const result = await withVenv.run(contextFor(inline(script, { requirements: ["mcp-probe==1.0"] })));
        expect(result.outputs.value).toBe(42);
        expect((result.outputs.prefix as string).startsWith(venvDir)).toBe(true);
      } finally {
        delete process.env.PIP_FIND_LINKS;
        delete process.env.PIP_NO_INDEX;
        await rm(wheelhouse, { recursive: true, force: true });
      }
    });
  });
});
