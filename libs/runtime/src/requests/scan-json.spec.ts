import { fromJsonString, type DescMessage } from "@bufbuild/protobuf";
import { ExecuteWorkflowRequestSchema } from "@mcp/proto/executor";
import { CreateMcpRequestSchema, ListMcpsRequestSchema, UpdateMcpRequestSchema } from "@mcp/proto/registry";
import { CreateWorkflowRequestSchema } from "@mcp/proto/workflows";
import { REQUEST_SHAPE_LIMITS } from "@mcp/validation";
import { scanJson } from "./scan-json";
import type { ShapeLimits } from "./scan-result";
import { leastCpuMs } from "./testing";

const scan = (desc: DescMessage, json: string, limits: ShapeLimits = REQUEST_SHAPE_LIMITS) =>
  scanJson(new TextEncoder().encode(json), desc, limits);

describe("scanJson", () => {
  it("accepts what protobuf-es decodes: proto and JSON names, nulls, WKTs, maps, Structs", () => {
    const json = JSON.stringify({
      name: "echo",
      tags: ["a", "b"],
      config: {
        python_script: { scriptContent: "print(1)", timeoutSeconds: "30", requirements: [] },
        network: "NETWORK_ACCESS_NONE",
      },
      inputSchema: { type: "object", properties: { x: { type: ["string", null] } } },
      change_note: null,
    });
    expect(scan(CreateMcpRequestSchema, json)).toEqual([]);
    expect(() => fromJsonString(CreateMcpRequestSchema, json)).not.toThrow();
    expect(scan(UpdateMcpRequestSchema, '{"name":"x","updateMask":"description,tags"}')).toEqual([]);
    expect(
      scan(ExecuteWorkflowRequestSchema, '\ufeff {"inputs": {"a": [1, -2.5e3, true, null, {}]}} \n'),
    ).toEqual([]);
  });

  it("names each unknown field by its path, suggesting the field meant", () => {
    const violations = scan(
      CreateMcpRequestSchema,
      JSON.stringify({
        name: "x",
        descripton: "d",
        tag: ["a"],
        timeout: 3,
        config: { pythonScript: { timeout_secnds: 1, tmeout: 1 } },
      }),
    );
    expect(violations.map((v) => v.field)).toEqual([
      "descripton",
      "tag",
      "timeout",
      "config.python_script.timeout_secnds",
      "config.python_script.tmeout",
    ]);
    expect(violations[0]?.description).toBe(
      'is not a field of mcp.registry.v1.CreateMcpRequest; did you mean "description"?',
    );
    expect(violations[1]?.description).toContain('did you mean "tags"?');
    expect(violations[2]?.description).toContain("its fields are name, description, tags");
    expect(violations[3]?.description).toContain('PythonScriptConfig; did you mean "timeout_seconds"?');
    expect(violations[4]?.description).toContain("its fields are scriptContent, scriptPath, timeoutSeconds");
  });

  it("leaves Struct and map keys alone: any key is a value there", () => {
    expect(scan(ExecuteWorkflowRequestSchema, '{"inputs": {"descripton": {"any": "thing"}}}')).toEqual([]);
  });

  it.each([
    ['{"name": 5}', "name", "must be a string, not a number"],
    ['{"tags": "x"}', "tags", "must be a list, not a string"],
    ['{"config": []}', "config", "must be an object, not a list"],
    [
      '{"config": {"pythonScript": {"timeoutSeconds": {}}}}',
      "config.python_script.timeout_seconds",
      "must be a number, not an object",
    ],
    [
      '{"config": {"network": true}}',
      "config.network",
      "must be an enum value name or number, not a boolean",
    ],
    ['{"inputSchema": "x"}', "input_schema", "must be an object, not a string"],
    [
      '{"config": {"mcpTool": {"stdio": {"env": []}}}}',
      "config.mcp_tool.stdio.env",
      "must be an object (a map), not a list",
    ],
  ])("refuses a wrong JSON type: %s", (json, field, description) => {
    expect(scan(CreateMcpRequestSchema, json)).toEqual([{ field, description }]);
  });

  it("finds lone surrogates in strings, keys and Struct values; accepts pairs", () => {
    expect(scan(CreateMcpRequestSchema, '{"name": "\\ud83d\\ude00"}')).toEqual([]);
    expect(scan(CreateMcpRequestSchema, '{"name": "a\\ud800"}')).toEqual([
      { field: "name", description: "must be valid Unicode text (it contains an unpaired UTF-16 surrogate)" },
    ]);
    expect(
      scan(ExecuteWorkflowRequestSchema, '{"inputs": {"x": ["\\udc00"], "\\ud800k": 1}}').map((v) => v.field),
    ).toEqual(["inputs.x[0]", 'inputs["\\ud800k"]']);
  });

  it("refuses a key given twice in one object", () => {
    expect(scan(ExecuteWorkflowRequestSchema, '{"requestId": "a", "requestId": "b"}')).toEqual([
      { field: "requestId", description: "is given twice in one JSON object" },
    ]);
    expect(scan(ExecuteWorkflowRequestSchema, '{"inputs": {"x": 1, "x": 2}}')[0]?.field).toBe("inputs.x");
  });

  it.each([
    ["{not json", "expected a member name in quotes (at byte 1)"],
    ['{"name": "x",}', "expected a member name in quotes (at byte 13)"],
    ['{"name": "x"} trailing', "unexpected data after the JSON value (at byte 14)"],
    ['{"name": "a\u0001"}', "a string holds a raw control character (escape it) (at byte 11)"],
    ['{"name": "\\x"}', "a string has an invalid escape (at byte 10)"],
    ['{"tags": ["a" "b"]}', "expected ',' or ']' after a list item (at byte 14)"],
    ['{"name": NaN}', "expected a value (at byte 9)"],
    ['{"name": "x"', "expected ',' or '}' after a member (at byte 12)"],
  ])("refuses JSON that JSON.parse refuses: %j", (json, problem) => {
    expect(scan(CreateMcpRequestSchema, json)).toEqual([
      { field: "", description: `the body is not valid JSON: ${problem}` },
    ]);
    expect(() => {
      JSON.parse(json);
    }).toThrow();
  });

  it("says how to send an empty request when the body is empty", () => {
    expect(scan(CreateMcpRequestSchema, " ")).toEqual([
      { field: "", description: "the body is empty: an empty JSON request is {}" },
    ]);
  });

  it("refuses nesting deeper than the limit, naming where", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 40; i++) deep = { a: deep };
    const [violation] = scan(ExecuteWorkflowRequestSchema, JSON.stringify({ inputs: deep }));
    expect(violation?.field).toBe(`inputs${".a".repeat(32)}`);
    expect(violation?.description).toBe("nests more than 32 levels deep");
    let lists: unknown = 1;
    for (let i = 0; i < 40; i++) lists = [lists];
    expect(scan(ExecuteWorkflowRequestSchema, JSON.stringify({ inputs: { l: lists } }))[0]?.description).toBe(
      "nests more than 32 levels deep",
    );
  });

  it("counts fields as the binary encoding has them and stops at the limit", () => {
    const limits = { ...REQUEST_SHAPE_LIMITS, maxFields: 9 };
    // inputs (1) + two members (4 each) = 9
    expect(scan(ExecuteWorkflowRequestSchema, '{"inputs": {"a": 1, "b": "x"}}', limits)).toEqual([]);
    expect(
      scan(ExecuteWorkflowRequestSchema, '{"inputs": {"a": 1, "b": "x", "c": 2}}', limits)[0]?.description,
    ).toMatch(/^the request holds more than 9 fields/);
    // a list item of a Value is 2
    expect(scan(ExecuteWorkflowRequestSchema, '{"inputs": {"l": [1, 2]}}', limits)).toEqual([]);
    expect(scan(ExecuteWorkflowRequestSchema, '{"inputs": {"l": [1, 2, 3]}}', limits)).toHaveLength(1);
    // a field mask counts its paths
    expect(scan(UpdateMcpRequestSchema, '{"updateMask": "a,b,c,d,e,f,g,h"}', limits)).toEqual([]);
    expect(scan(UpdateMcpRequestSchema, '{"updateMask": "a,b,c,d,e,f,g,h,i"}', limits)).toHaveLength(1);
  });

  it("caps strings that encode scalars (a field mask, a number) and number literals", () => {
    const mask = scan(UpdateMcpRequestSchema, JSON.stringify({ updateMask: "aB".repeat(10_000) }));
    expect(mask).toEqual([
      { field: "update_mask", description: "is a string of more than 16384 characters" },
    ]);
    expect(scan(ListMcpsRequestSchema, `{"pageSize": ${"9".repeat(100)}}`)).toEqual([
      { field: "page_size", description: "is a number of more than 64 characters" },
    ]);
    expect(scan(ListMcpsRequestSchema, `{"pageSize": "${"9".repeat(20_000)}"}`)[0]?.field).toBe("page_size");
  });

  it("names list items and map entries in paths", () => {
    const violations = scan(
      CreateWorkflowRequestSchema,
      JSON.stringify({
        spec: { steps: [{ stepId: "a" }, { stepId: "b", inputs: { "x y": { stepOutput: { stepId: 3 } } } }] },
      }),
    );
    expect(violations).toEqual([
      {
        field: 'spec.steps[1].inputs["x y"].step_output.step_id',
        description: "must be a string, not a number",
      },
    ]);
  });

  it("stops listing at the violation limit", () => {
    const body = `{${Array.from({ length: 200 }, (_, i) => `"bad${i}": 1`).join(",")}}`;
    expect(scan(CreateMcpRequestSchema, body)).toHaveLength(REQUEST_SHAPE_LIMITS.maxViolations);
  });

  it("reads a body in time linear in its size: one 4 MiB body costs about what eight of 512 KiB do", () => {
    const body = (bytes: number) =>
      new TextEncoder().encode(JSON.stringify({ name: "n", description: "x".repeat(bytes - 64) }));
    const [small, big] = [body(512 * 1024), body(4 * 1024 * 1024)];
    const scanOf = (bytes: Uint8Array) => () => scanJson(bytes, CreateMcpRequestSchema, REQUEST_SHAPE_LIMITS);
    expect(scanOf(big)()).toEqual([]);
    // a ratio of CPU within this process, not a budget, so it holds on a slow machine as on a fast
    // one: ~1 when the scan is linear, ~8 if it were quadratic in the body's size
    expect(leastCpuMs(scanOf(big)) / leastCpuMs(scanOf(small), 8)).toBeLessThan(3);
  });
});
