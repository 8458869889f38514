import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { McpConfigSchema, McpType, type JupyterNotebookConfig } from "@mcp/proto/registry";
import { NotebookRunner } from "./notebook-runner.js";
import { fixture, notebookJson } from "./testing.js";
import { type JsonObject, type StepContext } from "../../step/index.js";
import { closeSpecSandbox, specSandbox, stepContext, stepFailureOf } from "../testing.js";
import { Sandbox } from "@mcp/sandbox";
import { eventually, processesWith } from "@mcp/sandbox/testing";

// the specs' sandbox (its watchdog and folder) goes with this file
afterAll(closeSpecSandbox);

jest.setTimeout(60_000);

type ConfigInit = Partial<Omit<JupyterNotebookConfig, "$typeName" | "source">> & {
  source: JupyterNotebookConfig["source"];
};

function contextFor(
  config: ConfigInit,
  inputs: JsonObject = {},
  signal = new AbortController().signal,
): StepContext {
  return stepContext(McpType.JUPYTER_NOTEBOOK, { case: "jupyterNotebook", value: config }, inputs, signal);
}

const inline = (content: string, rest: Omit<ConfigInit, "source"> = {}): ConfigInit => ({
  source: { case: "notebookContent", value: content },
  ...rest,
});

describe("NotebookRunner", () => {
  let sandbox: Sandbox;
  let runner: NotebookRunner;
  beforeAll(async () => {
    sandbox = await specSandbox();
    runner = new NotebookRunner({ sandbox });
  });

  describe("runs a notebook's code cells papermill-style", () => {
    it("injects the inputs after the parameters cell and returns output variables and per-cell outputs", async () => {
      const config = inline(fixture("parameterised.ipynb"), { outputVariables: ["y", "z"] });
      const result = await runner.run(contextFor(config, { x: 21 }));
      expect(result.outputs).toEqual({
        y: 42,
        z: 43,
        _cells: [
          { index: 0, notebookIndex: 1, stdout: "", stderr: "", result: null, truncated: false },
          { index: 1, notebookIndex: 2, stdout: "y is 42\n", stderr: "", result: null, truncated: false },
          { index: 2, notebookIndex: 4, stdout: "", stderr: "", result: "43", truncated: false },
        ],
      });
      expect(result.stdout).toBe("y is 42\n");
    });

    it("uses config.parameters where the inputs do not override them", async () => {
      const config = inline(fixture("parameterised.ipynb"), {
        parameters: { x: 5, unused: "kept" },
        outputVariables: ["y", "unused"],
      });
      expect((await runner.run(contextFor(config))).outputs).toMatchObject({ y: 10, unused: "kept" });
      expect((await runner.run(contextFor(config, { x: 7 }))).outputs).toMatchObject({ y: 14 });
    });

    it("injects the parameters before the first code cell when no cell is tagged parameters", async () => {
      const config = inline(fixture("untagged.ipynb"), { outputVariables: ["y"] });
      const result = await runner.run(contextFor(config, { x: 3 }));
      expect(result.outputs.y).toBe(4);
      expect(result.outputs._cells).toMatchObject([
        { index: 0, notebookIndex: 1, stdout: "x is 3\n" },
        { index: 1 },
      ]);
    });

    it("passes structured parameters as Python literals", async () => {
      const content = notebookJson(
        "kinds = [type(v).__name__ for v in (s, n, f, b, none, obj)]\nobj['list'][1]",
      );
      const inputs = { s: 'it\'s "quoted"\n', n: 3, f: 1.5, b: true, none: null, obj: { list: [1, "two"] } };
      const result = await runner.run(
        contextFor(inline(content, { outputVariables: ["kinds", "s", "obj"] }), inputs),
      );
      expect(result.outputs).toMatchObject({
        kinds: ["str", "int", "float", "bool", "NoneType", "dict"],
        s: inputs.s,
        obj: inputs.obj,
        _cells: [{ result: "'two'" }],
      });
    });

    it("runs only cells_to_execute, in the order given", async () => {
      const content = notebookJson(
        "log = []",
        { markdown: "skip me" },
        "log.append('a')",
        "log.append('b')",
        "log.append('c')",
      );
      const result = await runner.run(
        contextFor(inline(content, { cellsToExecute: [0, 3, 1], outputVariables: ["log"] })),
      );
      expect(result.outputs.log).toEqual(["c", "a"]);
      expect(result.outputs._cells).toMatchObject([
        { index: 0, notebookIndex: 0 },
        { index: 3, notebookIndex: 4 },
        { index: 1, notebookIndex: 2 },
      ]);
    });

    it("injects before the first executed cell when cells_to_execute leaves out the parameters cell", async () => {
      const config = inline(fixture("parameterised.ipynb"), { cellsToExecute: [1], outputVariables: ["y"] });
      const result = await runner.run(contextFor(config, { x: 4 }));
      expect(result.outputs.y).toBe(8);
      expect(result.outputs._cells).toMatchObject([{ index: 1, stdout: "y is 8\n" }]);
    });

    it("runs a notebook_path file in SANDBOX_READ_PATHS, and refuses one outside", async () => {
      const dir = await mkdtemp(join(tmpdir(), "notebook-spec-"));
      let reading: Sandbox | undefined;
      try {
        const path = join(dir, "doubling.ipynb");
        await writeFile(path, fixture("parameterised.ipynb"));
        const config: ConfigInit = { source: { case: "notebookPath", value: path }, outputVariables: ["y"] };
        reading = await Sandbox.open({
          mode: "bubblewrap",
          readOnlyPaths: [dir],
          egressDeny: [],
          platformUrls: [],
        });
        const inReadPaths = new NotebookRunner({ sandbox: reading });
        expect((await inReadPaths.run(contextFor(config, { x: 21 }))).outputs.y).toBe(42);
        const refused = await stepFailureOf(runner.run(contextFor(config, { x: 21 })));
        expect(refused.code).toBe("INVALID_CONFIG");
        expect(refused.message).toMatch(/notebook_path .* is outside the folders sandboxed steps may read/);
      } finally {
        await reading?.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it("captures each cell's stdout and stderr separately, and its last expression like execute_result", async () => {
      const content = notebookJson(
        "import sys\nprint('one')\nprint('warn', file=sys.stderr)\n{'k': [1, 2]}",
        "print('two')\nNone",
        "value = 5\nvalue;",
        "value = 6",
        "'text'",
      );
      const result = await runner.run(contextFor(inline(content)));
      expect(result.outputs._cells).toEqual([
        {
          index: 0,
          notebookIndex: 0,
          stdout: "one\n",
          stderr: "warn\n",
          result: "{'k': [1, 2]}",
          truncated: false,
        },
        { index: 1, notebookIndex: 1, stdout: "two\n", stderr: "", result: null, truncated: false },
        { index: 2, notebookIndex: 2, stdout: "", stderr: "", result: null, truncated: false },
        { index: 3, notebookIndex: 3, stdout: "", stderr: "", result: null, truncated: false },
        { index: 4, notebookIndex: 4, stdout: "", stderr: "", result: "'text'", truncated: false },
      ]);
      expect(result).toMatchObject({ stdout: "one\ntwo\n", stderr: "warn\n" });
    });

    it("keeps at most outputCapBytes of the cells' output and flags the cells it cut", async () => {
      const capped = new NotebookRunner({ sandbox, outputCapBytes: 10 });
      const result = await capped.run(
        contextFor(inline(notebookJson("print('12345')", "print('abcdefgh')", "print('z')"))),
      );
      expect(result.outputs._cells).toMatchObject([
        { stdout: "12345\n", truncated: false },
        { stdout: "abcd", truncated: true },
        { stdout: "", truncated: true },
      ]);
    });

    it("runs every cell in one namespace that behaves as __main__", async () => {
      const content = notebookJson(
        "class Point:\n    pass\n",
        "import pickle\nround_trip = type(pickle.loads(pickle.dumps(Point()))).__name__\nname = __name__",
      );
      const result = await runner.run(
        contextFor(inline(content, { outputVariables: ["round_trip", "name"] })),
      );
      expect(result.outputs).toMatchObject({ round_trip: "Point", name: "__main__" });
    });
  });

  describe("says which cell failed and why", () => {
    it("SCRIPT_REPORTED_FAILURE naming both indexes and quoting the traceback from the cell's frames", async () => {
      const content = notebookJson(
        { markdown: "intro" },
        "print('before')",
        "def ratio(n):\n    return n / 0\n",
        "ratio(1)",
        "print('never')",
      );
      const failure = await stepFailureOf(runner.run(contextFor(inline(content))));
      expect(failure.code).toBe("SCRIPT_REPORTED_FAILURE");
      expect(failure.message).toMatch(
        /^notebook failed in code cell 2 \(notebook cell 3\): ZeroDivisionError: division by zero/,
      );
      expect(failure.message).toContain("Traceback (most recent call last):");
      expect(failure.message).toContain('File "<code cell 2 (notebook cell 3)>", line 1, in <module>');
      expect(failure.message).toContain('File "<code cell 1 (notebook cell 2)>", line 2, in ratio');
      expect(failure.message).toContain("return n / 0");
      expect(failure.message).not.toMatch(/driver\.py|runpy/);
      expect(failure.output.stdout).toBe("before\n");
      expect(failure.output.stderr).toContain("ZeroDivisionError");
    });

    it("SCRIPT_REPORTED_FAILURE for IPython magics and shell lines, before any cell runs", async () => {
      const content = notebookJson("print('ran')", "x = 1\n%matplotlib inline");
      const failure = await stepFailureOf(runner.run(contextFor(inline(content))));
      expect(failure.code).toBe("SCRIPT_REPORTED_FAILURE");
      expect(failure.message).toBe(
        'notebook code cell 1 (notebook cell 1) uses IPython magic or shell syntax on line 2 ("%matplotlib inline"), ' +
          "which is not supported: cells must be plain Python",
      );
      expect(failure.output.stdout).toBe("");
      const shell = await stepFailureOf(runner.run(contextFor(inline(notebookJson("!pip install numpy")))));
      expect(shell.message).toMatch(
        /code cell 0 \(notebook cell 0\) uses IPython magic or shell syntax on line 1 \("!pip install numpy"\)/,
      );
    });

    it("SCRIPT_REPORTED_FAILURE for a cell that is not valid Python", async () => {
      const failure = await stepFailureOf(
        runner.run(contextFor(inline(notebookJson("ok = 1", "def broken(:\n    pass")))),
      );
      expect(failure.code).toBe("SCRIPT_REPORTED_FAILURE");
      expect(failure.message).toMatch(
        /^notebook code cell 1 \(notebook cell 1\) is not valid Python: SyntaxError/,
      );
    });

    it("INVALID_OUTPUT naming output variables the notebook never defined", async () => {
      const config = inline(fixture("parameterised.ipynb"), { outputVariables: ["y", "missing", "absent"] });
      const failure = await stepFailureOf(runner.run(contextFor(config, { x: 1 })));
      expect(failure.code).toBe("INVALID_OUTPUT");
      expect(failure.message).toBe(
        "notebook did not define output variables missing, absent (output_variables)",
      );
    });

    it("INVALID_OUTPUT for an output variable that is not JSON-serialisable", async () => {
      const config = inline(notebookJson("ok = 1\nbad = {1, 2}"), { outputVariables: ["ok", "bad"] });
      const failure = await stepFailureOf(runner.run(contextFor(config)));
      expect(failure.code).toBe("INVALID_OUTPUT");
      expect(failure.message).toMatch(
        /^notebook output variable bad \(a set\) is not JSON-serialisable: TypeError/,
      );
    });

    it("MEMORY_LIMIT naming the cell that allocated past the cap", async () => {
      const capped = new NotebookRunner({ sandbox, memoryLimitMb: 256 });
      const failure = await stepFailureOf(
        capped.run(contextFor(inline(notebookJson("small = 1", "big = bytearray(1024 ** 3)")))),
      );
      expect(failure.code).toBe("MEMORY_LIMIT");
      expect(failure.message).toMatch(
        /ran out of memory \(256 MiB\) while running code cell 1 \(notebook cell 1\)/,
      );
    });

    it("INVALID_CONFIG for a notebook_path that does not exist, RUNNER_ERROR for a cells_to_execute index past the code cells", async () => {
      const missing: ConfigInit = {
        source: { case: "notebookPath", value: join(tmpdir(), "no-such-notebook.ipynb") },
      };
      expect(await stepFailureOf(runner.run(contextFor(missing)))).toMatchObject({ code: "INVALID_CONFIG" });
      const failure = await stepFailureOf(
        runner.run(contextFor(inline(fixture("untagged.ipynb"), { cellsToExecute: [2] }))),
      );
      expect(failure.code).toBe("RUNNER_ERROR");
      expect(failure.message).toMatch(
        /cells_to_execute names code cell 2, but the notebook has 2 code cells/,
      );
    });

    it("refuses a config that is not jupyter_notebook with UNSUPPORTED_MCP_TYPE", async () => {
      const context = contextFor(inline(notebookJson("x = 1")));
      const python = create(McpConfigSchema, {
        kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "" } } },
      });
      const failure = await stepFailureOf(
        runner.run({ ...context, mcp: { ...context.mcp, config: python } }),
      );
      expect(failure.code).toBe("UNSUPPORTED_MCP_TYPE");
    });
  });

  describe("sandboxes the notebook", () => {
    it("TIMEOUT naming timeout_seconds and the running cell, keeping what was printed", async () => {
      const content = notebookJson("print('started', flush=True)", "import time\ntime.sleep(60)");
      const started = Date.now();
      // 5 s: time for a loaded machine to start the sandbox and run cell 0; cell 1 alone would run 60 s
      const failure = await stepFailureOf(runner.run(contextFor(inline(content, { timeoutSeconds: 5 }))));
      expect(failure.code).toBe("TIMEOUT");
      expect(failure.message).toBe(
        "notebook timed out after 5 s (timeout_seconds) while running code cell 1 (notebook cell 1) and was killed with its child processes",
      );
      expect(failure.output.stdout).toBe("started\n");
      expect(Date.now() - started).toBeLessThan(40_000);
    });

    it("CANCELLED when the step's signal aborts mid-run", async () => {
      const controller = new AbortController();
      // the cell shows it is running by starting a `sleep 300.<marker>`; the cancel comes only then
      const marker = String(Math.floor(Math.random() * 1e9));
      const content = notebookJson(
        `import subprocess, time\nsubprocess.Popen(["sleep", "300.${marker}"])\ntime.sleep(60)`,
      );
      const running = stepFailureOf(runner.run(contextFor(inline(content), {}, controller.signal)));
      expect(await eventually(() => processesWith(`300.${marker}`).length === 1, 30_000)).toBe(true);
      const started = Date.now();
      controller.abort(new Error("run cancelled"));
      const failure = await running;
      expect(failure.code).toBe("CANCELLED");
      expect(failure.message).toMatch(
        /^notebook cancelled while running code cell 0 \(notebook cell 0\): run cancelled/,
      );
      expect(Date.now() - started).toBeLessThan(20_000); // the cell alone would run 60 s
      expect(await eventually(() => processesWith(`300.${marker}`).length === 0, 20_000)).toBe(true);
    });

    it("runs with a scrubbed environment in a temp dir removed afterwards", async () => {
      process.env.NOTEBOOK_SPEC_SECRET = "postgres://user:secret@db/prod";
      try {
        const content = notebookJson(
          "import os\nsecret = os.environ.get('NOTEBOOK_SPEC_SECRET')\ncwd = os.getcwd()",
        );
        const result = await runner.run(contextFor(inline(content, { outputVariables: ["secret", "cwd"] })));
        expect(result.outputs.secret).toBeNull();
        expect(result.outputs.cwd).toMatch(/mcp-notebook-/);
        expect(existsSync(result.outputs.cwd as string)).toBe(false);
      } finally {
        delete process.env.NOTEBOOK_SPEC_SECRET;
      }
    });
  });
});
