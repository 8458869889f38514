import { ExecutionMode } from "@mcp/proto/workflows";
import { ManifestError, parseManifest } from "./manifest";

const MCP_YAML = `kind: Mcp
name: echo
description: says it back
tags: [demo]
config:
  pythonScript:
    timeoutSeconds: 30
    scriptContent: |
      print("hi")
`;

const WORKFLOW_YAML = `kind: Workflow
name: greet
spec:
  executionMode: EXECUTION_MODE_PARALLEL
  inputs: [{ name: text, required: true }]
  steps:
    - stepId: hello
      mcp: { name: echo }
      inputs: { text: { workflowInput: text } }
`;

describe("parseManifest", () => {
  it("reads a kind: Schedule document into a CreateScheduleRequest, after the workflows", () => {
    const schedule = `kind: Schedule
name: nightly
paused: true
spec:
  workflow: { name: greet }
  inputs: { text: hi }
  cron: "0 30 2 * * *"
  timeZone: Europe/Berlin
  overlapPolicy: OVERLAP_POLICY_CANCEL_PREVIOUS
  catchUpWindow: 600s
`;
    const resources = parseManifest(`${schedule}---\n${WORKFLOW_YAML}---\n${MCP_YAML}`, "m.yaml");
    expect(resources.map((r) => `${r.kind}/${r.name}`)).toEqual([
      "Mcp/echo",
      "Workflow/greet",
      "Schedule/nightly",
    ]);
    const last = resources[2];
    if (last?.kind !== "Schedule") throw new Error("wrong kind");
    expect(last.request.paused).toBe(true);
    expect(last.request.spec).toMatchObject({
      cron: "0 30 2 * * *",
      timeZone: "Europe/Berlin",
      overlapPolicy: 4,
    });
    expect(Number(last.request.spec?.catchUpWindow?.seconds)).toBe(600);
    expect(() => parseManifest("kind: Schedule\nname: x\ncron: '* * * * *'\n", "s.yaml")).toThrow(
      /unknown field\(s\) cron; a Schedule has name, spec, paused/,
    );
  });

  it("reads YAML documents into Create requests, MCPs before workflows", () => {
    const resources = parseManifest(`${WORKFLOW_YAML}---\n${MCP_YAML}`, "m.yaml");
    expect(resources.map((r) => `${r.kind}/${r.name}`)).toEqual(["Mcp/echo", "Workflow/greet"]);
    const [mcp, workflow] = resources;
    if (mcp?.kind !== "Mcp" || workflow?.kind !== "Workflow") throw new Error("wrong kinds");
    expect(mcp.request).toMatchObject({ name: "echo", description: "says it back", tags: ["demo"] });
    expect(mcp.request.config?.kind).toMatchObject({
      case: "pythonScript",
      value: { timeoutSeconds: 30, source: { case: "scriptContent", value: 'print("hi")\n' } },
    });
    expect(workflow.request.spec?.executionMode).toBe(ExecutionMode.PARALLEL);
    expect(workflow.request.spec?.steps[0]?.inputs["text"]?.source).toEqual({
      case: "workflowInput",
      value: "text",
    });
  });

  it("orders a workflow after the workflows of the manifest it calls (sub-workflows); a cycle is cut where met", () => {
    const calls = (name: string, callee: string) =>
      `kind: Workflow\nname: ${name}\nspec:\n  steps:\n    - stepId: s\n      workflow: { name: ${callee} }\n`;
    const resources = parseManifest(
      [calls("top", "Mid"), calls("mid", "greet"), WORKFLOW_YAML].join("---\n"),
    );
    expect(resources.map((r) => r.name)).toEqual(["greet", "mid", "top"]);
    const cycle = parseManifest([calls("a", "b"), calls("b", "a")].join("---\n"));
    expect(cycle.map((r) => r.name)).toEqual(["b", "a"]);
  });

  it("reads JSON: one object or an array of them, proto field names accepted too", () => {
    const one = parseManifest(
      JSON.stringify({ kind: "Mcp", name: "a", config: { python_script: { script_content: "print(1)" } } }),
    );
    expect(one).toHaveLength(1);
    const many = parseManifest(
      JSON.stringify([
        { kind: "Workflow", name: "w", spec: { steps: [{ stepId: "s", mcp: { name: "a" } }] } },
        { kind: "Mcp", name: "a", config: { pythonScript: { scriptContent: "print(1)" } } },
      ]),
    );
    expect(many.map((r) => r.kind)).toEqual(["Mcp", "Workflow"]);
  });

  it("carries max_concurrency on an MCP's config and concurrency_key on a workflow's spec", () => {
    const resources = parseManifest(
      `${MCP_YAML}  maxConcurrency: 2\n---\n${WORKFLOW_YAML}  concurrency_key: inputs.text\n`,
      "limits.yaml",
    );
    const [mcp, workflow] = resources;
    if (mcp?.kind !== "Mcp" || workflow?.kind !== "Workflow") throw new Error("wrong kinds");
    expect(mcp.request.config?.maxConcurrency).toBe(2);
    expect(workflow.request.spec?.concurrencyKey).toBe("inputs.text");
  });

  it("skips empty documents", () => {
    expect(parseManifest(`---\n# nothing here\n---\n${MCP_YAML}`)).toHaveLength(1);
  });

  it.each([
    ["a missing kind", "name: x\n", /document 1: kind must be "Mcp", "Workflow" or "Schedule", got null/],
    ["an unknown kind", "kind: Pod\nname: x\n", /kind must be "Mcp", "Workflow" or "Schedule", got "Pod"/],
    ["a missing name", "kind: Mcp\n", /document 1: Mcp needs a "name"/],
    [
      "an unknown top-level field",
      "kind: Mcp\nname: x\nconfg: {}\n",
      /\(Mcp\/x\): unknown field\(s\) confg; a Mcp has name, description/,
    ],
    [
      "a field the contract does not have",
      "kind: Mcp\nname: x\nconfig: {pythonScrpt: {}}\n",
      /\(Mcp\/x\): .*pythonScrpt/,
    ],
    ["a bad enum", "kind: Workflow\nname: w\nspec: {executionMode: FAST}\n", /\(Workflow\/w\): .*FAST/],
    ["a scalar document", "just text\n", /expected a mapping with "kind", got string/],
    ["invalid YAML", "kind: Mcp\nname: [x\n", /document 1: invalid YAML/],
    ["no documents at all", "# empty\n", /no documents/],
  ])("rejects %s, naming the file and document", (_what, text, message) => {
    expect(() => parseManifest(text, "f.yaml")).toThrow(ManifestError);
    expect(() => parseManifest(text, "f.yaml")).toThrow(message);
  });

  it("refuses the misspelt fields the services refuse too (issue 14: descripton, tag, timeout), naming them", () => {
    const top =
      "kind: Mcp\nname: x\ndescripton: d\ntag: [demo]\nconfig: {pythonScript: {scriptContent: x}}\n";
    expect(() => parseManifest(top, "f.yaml")).toThrow(
      /unknown field\(s\) descripton, tag; a Mcp has name, description, tags/,
    );
    const nested = "kind: Mcp\nname: x\nconfig: {pythonScript: {scriptContent: x, timeout: 5}}\n";
    expect(() => parseManifest(nested, "f.yaml")).toThrow(
      /\(Mcp\/x\): .*PythonScriptConfig.*"timeout" is unknown/,
    );
  });

  it("rejects a resource declared twice (names ignore case)", () => {
    expect(() =>
      parseManifest(`${MCP_YAML}---\n${MCP_YAML.replace("name: echo", "name: ECHO")}`, "f.yaml"),
    ).toThrow("f.yaml: Mcp/ECHO is declared twice");
  });

  it("names the second document when it is the bad one", () => {
    expect(() => parseManifest(`${MCP_YAML}---\nkind: Mcp\nname: y\nextra: 1\n`, "f.yaml")).toThrow(
      /^f\.yaml document 2 \(Mcp\/y\)/,
    );
  });
});
