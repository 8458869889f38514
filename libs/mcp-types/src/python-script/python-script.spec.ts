import type { PythonScriptConfig } from "@mcp/proto/registry";
import { validateMcpConfig, withDefaults } from "../index";
import { config, fields, pythonScript } from "../testing";

/** Field paths of the violations of the example python_script config after `change`. */
function violationsAfter(change: (c: PythonScriptConfig) => void): string[] {
  const c = pythonScript();
  change(c);
  return fields(validateMcpConfig(config({ case: "pythonScript", value: c })));
}

describe("validateMcpConfig (python_script)", () => {
  it("accepts inline content and an absolute script_path", () => {
    expect(violationsAfter(() => {})).toEqual([]);
    expect(violationsAfter((c) => (c.source = { case: "scriptPath", value: "/opt/scripts/run.py" }))).toEqual(
      [],
    );
  });

  it("requires one of script_content or script_path, naming the source oneof", () => {
    expect(violationsAfter((c) => (c.source = { case: undefined }))).toEqual(["config.python_script.source"]);
  });

  it("rejects empty script_content", () => {
    expect(violationsAfter((c) => (c.source = { case: "scriptContent", value: "  \n" }))).toEqual([
      "config.python_script.script_content",
    ]);
  });

  it("rejects script_content over 1 MiB, counting bytes", () => {
    const mib = 1024 * 1024;
    expect(violationsAfter((c) => (c.source = { case: "scriptContent", value: "#".repeat(mib) }))).toEqual(
      [],
    );
    expect(
      violationsAfter((c) => (c.source = { case: "scriptContent", value: "é".repeat(mib / 2 + 1) })),
    ).toEqual(["config.python_script.script_content"]);
  });

  it("rejects a relative script_path", () => {
    expect(violationsAfter((c) => (c.source = { case: "scriptPath", value: "scripts/run.py" }))).toEqual([
      "config.python_script.script_path",
    ]);
  });

  it("accepts a timeout of 1..3600 seconds only", () => {
    expect(violationsAfter((c) => (c.timeoutSeconds = 0))).toEqual(["config.python_script.timeout_seconds"]);
    expect(violationsAfter((c) => (c.timeoutSeconds = 3601))).toEqual([
      "config.python_script.timeout_seconds",
    ]);
    expect(violationsAfter((c) => (c.timeoutSeconds = 3600))).toEqual([]);
  });

  it("accepts memory_limit_mb 16..65536 only", () => {
    expect(violationsAfter((c) => (c.memoryLimitMb = 15))).toEqual(["config.python_script.memory_limit_mb"]);
    expect(violationsAfter((c) => (c.memoryLimitMb = 65_537))).toEqual([
      "config.python_script.memory_limit_mb",
    ]);
    expect(violationsAfter((c) => (c.memoryLimitMb = 16))).toEqual([]);
    expect(violationsAfter((c) => (c.memoryLimitMb = 65_536))).toEqual([]);
  });

  it("rejects more than 100 requirements and accepts 100", () => {
    expect(
      violationsAfter((c) => (c.requirements = Array.from({ length: 101 }, (_, i) => `pkg${i}`))),
    ).toEqual(["config.python_script.requirements"]);
    expect(
      violationsAfter((c) => (c.requirements = Array.from({ length: 100 }, (_, i) => `pkg${i}`))),
    ).toEqual([]);
  });

  it("rejects empty, multi-line and option-like requirements, naming each", () => {
    const paths = violationsAfter(
      (c) => (c.requirements = ["numpy==2.0", " ", "a\nb", "--index-url http://evil"]),
    );
    expect(paths).toEqual([
      "config.python_script.requirements[1]",
      "config.python_script.requirements[2]",
      "config.python_script.requirements[3]",
    ]);
  });
});

describe("withDefaults (python_script)", () => {
  it("fills timeout 60 and memory 512 and keeps given values", () => {
    const filled = withDefaults(config({ case: "pythonScript", value: pythonScript() })).kind
      .value as PythonScriptConfig;
    expect([filled.timeoutSeconds, filled.memoryLimitMb]).toEqual([60, 512]);
    const given = Object.assign(pythonScript(), { timeoutSeconds: 5, memoryLimitMb: 64 });
    const kept = withDefaults(config({ case: "pythonScript", value: given })).kind
      .value as PythonScriptConfig;
    expect([kept.timeoutSeconds, kept.memoryLimitMb]).toEqual([5, 64]);
  });
});
