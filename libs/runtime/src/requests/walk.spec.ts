import { create, fromBinary, toBinary, type DescMessage, type Message } from "@bufbuild/protobuf";
import {
  CancelRunRequestSchema,
  ExecuteWorkflowRequestSchema,
  GetRunRequestSchema,
  PutSecretRequestSchema,
} from "@mcp/proto/executor";
import {
  CreateMcpRequestSchema,
  GetMcpRequestSchema,
  ListMcpsRequestSchema,
  UpdateMcpRequestSchema,
} from "@mcp/proto/registry";
import { CreateWorkflowRequestSchema } from "@mcp/proto/workflows";
import { walkRequest } from "./walk";
import { leastCpuMs } from "./testing";

const NUL = "must not contain U+0000 (NUL)";
const LONE = "must be valid Unicode text (it contains an unpaired UTF-16 surrogate)";
const walk = (desc: DescMessage, message: Message) => walkRequest(desc, message);

describe("walkRequest", () => {
  it("passes a valid request", () => {
    const m = create(CreateMcpRequestSchema, {
      name: "echo",
      tags: ["a"],
      config: {
        kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: "print(1)" } } },
      },
      inputSchema: { type: "object", properties: { text: { type: "string" } } },
    });
    expect(walk(CreateMcpRequestSchema, m)).toEqual({ violations: [], oversize: false });
  });

  it("finds U+0000 and lone surrogates in every string, naming its path", () => {
    const m = create(CreateMcpRequestSchema, {
      name: "a\u0000",
      tags: ["ok", "b\ud800"],
      config: {
        kind: {
          case: "mcpTool",
          value: {
            transport: {
              case: "stdio",
              value: { command: "c", args: ["x\u0000"], env: { "K\u0000": "v", K2: "\udc00" } },
            },
          },
        },
      },
      inputSchema: { properties: { "odd key": { deep: ["fine", "bad\u0000"] }, "k\ud800": 1 } },
    });
    expect(walk(CreateMcpRequestSchema, m).violations).toEqual([
      { field: "name", description: NUL },
      { field: "tags[1]", description: LONE },
      { field: "config.mcp_tool.stdio.args[0]", description: NUL },
      { field: 'config.mcp_tool.stdio.env["K\\u0000"]', description: `its key ${NUL}` },
      { field: 'config.mcp_tool.stdio.env["K2"]', description: LONE },
      { field: 'input_schema.properties["odd key"].deep[1]', description: NUL },
      { field: 'input_schema.properties["k\\ud800"]', description: `its key ${LONE}` },
    ]);
  });

  it("walks google.protobuf.Value fields (static values, default values) as JSON", () => {
    const m = create(CreateWorkflowRequestSchema, {
      name: "w",
      spec: {
        inputs: [{ name: "i", defaultValue: { kind: { case: "stringValue", value: "\u0000" } } }],
        steps: [
          {
            stepId: "s",
            inputs: {
              text: {
                source: {
                  case: "staticValue",
                  value: {
                    kind: {
                      case: "structValue",
                      value: {
                        fields: {
                          x: {
                            kind: {
                              case: "listValue",
                              value: { values: [{ kind: { case: "stringValue", value: "\ud800" } }] },
                            },
                          },
                        },
                      },
                    },
                  },
                },
              },
            },
          },
        ],
      },
    });
    expect(walk(CreateWorkflowRequestSchema, m).violations).toEqual([
      { field: "spec.inputs[0].default_value", description: NUL },
      { field: 'spec.steps[0].inputs["text"].static_value.x[0]', description: LONE },
    ]);
  });

  it("names an executor input like the issue does: inputs.x", () => {
    const m = create(ExecuteWorkflowRequestSchema, { inputs: { x: "a\u0000b" }, requestId: "r\u0000" });
    expect(walk(ExecuteWorkflowRequestSchema, m)).toEqual({
      violations: [
        { field: "inputs.x", description: NUL },
        { field: "request_id", description: NUL },
      ],
      oversize: false,
    });
  });

  it("checks UUID fields (any field named id), leaving empty ones to the service's rules", () => {
    expect(walk(GetRunRequestSchema, create(GetRunRequestSchema, { id: "not-a-uuid" })).violations).toEqual([
      { field: "id", description: "must be a UUID" },
    ]);
    expect(walk(GetRunRequestSchema, create(GetRunRequestSchema, { id: "" })).violations).toEqual([]);
    const byId = create(GetMcpRequestSchema, {
      mcp: { case: "id", value: "7c3e0a52-9d4b-4f5e-8f00-1d2c3b4a5e6f" },
    });
    expect(walk(GetMcpRequestSchema, byId).violations).toEqual([]);
    const byName = create(GetMcpRequestSchema, { mcp: { case: "name", value: "not-a-uuid-but-a-name" } });
    expect(walk(GetMcpRequestSchema, byName).violations).toEqual([]);
  });

  it("caps lengths in characters (code points) or bytes, as the table says, and flags them as oversize", () => {
    expect(walk(CreateMcpRequestSchema, create(CreateMcpRequestSchema, { name: "😀".repeat(128) }))).toEqual({
      violations: [],
      oversize: false,
    });
    expect(walk(CreateMcpRequestSchema, create(CreateMcpRequestSchema, { name: "😀".repeat(129) }))).toEqual({
      violations: [{ field: "name", description: "must be at most 128 characters" }],
      oversize: true,
    });
    const script = (s: string) =>
      create(CreateMcpRequestSchema, {
        config: { kind: { case: "pythonScript", value: { source: { case: "scriptContent", value: s } } } },
      });
    expect(walk(CreateMcpRequestSchema, script("é".repeat(512 * 1024))).violations).toEqual([]);
    expect(walk(CreateMcpRequestSchema, script("é".repeat(512 * 1024 + 1))).violations).toEqual([
      { field: "config.python_script.script_content", description: "must be at most 1048576 bytes" },
    ]);
    const filter = create(ListMcpsRequestSchema, {
      filter: { text: "x".repeat(257) },
      pageToken: "t".repeat(1025),
    });
    expect(walk(ListMcpsRequestSchema, filter).violations).toEqual([
      { field: "page_token", description: "must be at most 1024 characters" },
      { field: "filter.text", description: "must be at most 256 characters" },
    ]);
    // a field no rule names gets the default
    const reason = create(CancelRunRequestSchema, { reason: "r".repeat(2001) });
    expect(walk(CancelRunRequestSchema, reason).violations[0]?.description).toBe(
      "must be at most 2000 characters",
    );
  });

  it("caps lists and maps, without walking their elements", () => {
    const tags = create(CreateMcpRequestSchema, { tags: Array.from({ length: 33 }, () => "\u0000") });
    expect(walk(CreateMcpRequestSchema, tags)).toEqual({
      violations: [{ field: "tags", description: "must have at most 32 elements (it has 33)" }],
      oversize: true,
    });
    const mask = create(UpdateMcpRequestSchema, {
      updateMask: { paths: Array.from({ length: 65 }, () => "description") },
    });
    expect(walk(UpdateMcpRequestSchema, mask).violations).toEqual([
      { field: "update_mask.paths", description: "must have at most 64 elements (it has 65)" },
    ]);
    const env = Object.fromEntries(Array.from({ length: 257 }, (_, i) => [`K${i}`, "v"]));
    const tool = create(CreateMcpRequestSchema, {
      config: {
        kind: { case: "mcpTool", value: { transport: { case: "stdio", value: { command: "c", env } } } },
      },
    });
    expect(walk(CreateMcpRequestSchema, tool).violations).toEqual([
      { field: "config.mcp_tool.stdio.env", description: "must have at most 256 entries (it has 257)" },
    ]);
  });

  it("caps a Struct field's JSON size and its keys", () => {
    const big = create(ExecuteWorkflowRequestSchema, { inputs: { text: "x".repeat(1024 * 1024) } });
    const result = walk(ExecuteWorkflowRequestSchema, big);
    expect(result.violations).toEqual([
      { field: "inputs", description: "must be at most 1048576 bytes as JSON (it is 1048587)" },
    ]);
    expect(result.oversize).toBe(true);
    const key = create(ExecuteWorkflowRequestSchema, { inputs: { ["k".repeat(1025)]: 1 } });
    expect(walk(ExecuteWorkflowRequestSchema, key).violations).toEqual([
      { field: `inputs["${"k".repeat(64)}…"]`, description: "its key must be at most 1024 characters" },
    ]);
  });

  it("caps a secret value in bytes", () => {
    const put = create(PutSecretRequestSchema, { name: "K", value: "v".repeat(64 * 1024 + 1) });
    expect(walk(PutSecretRequestSchema, put).violations).toEqual([
      { field: "value", description: "must be at most 65536 bytes" },
    ]);
  });

  it("stops at the violation limit", () => {
    const m = create(ExecuteWorkflowRequestSchema, {
      inputs: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, "\u0000"])),
    });
    expect(walkRequest(ExecuteWorkflowRequestSchema, m, undefined, 10).violations).toHaveLength(10);
  });

  it("decodes and walks a request in time linear in its fields: one at the field limit costs about eight of an eighth", () => {
    const request = (fields: number) =>
      toBinary(
        ExecuteWorkflowRequestSchema,
        create(ExecuteWorkflowRequestSchema, {
          inputs: Object.fromEntries(Array.from({ length: fields }, (_, i) => [`key${i}`, `value ${i}`])),
        }),
      );
    const walkOf = (bytes: Uint8Array) => () =>
      walkRequest(ExecuteWorkflowRequestSchema, fromBinary(ExecuteWorkflowRequestSchema, bytes));
    const [small, big] = [request(311), request(2_490)];
    expect(walkOf(big)().violations).toEqual([]);
    // Warm code, as a running service has it. A ratio of CPU within this process, not a budget, so it
    // holds on a slow machine as on a fast one: ~1 when linear, ~8 if quadratic in the fields.
    expect(leastCpuMs(walkOf(big)) / leastCpuMs(walkOf(small), 8)).toBeLessThan(3);
  });
});
