import { create, fromBinary, toBinary, type DescMessage } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { ExecuteWorkflowRequestSchema, ListRunsRequestSchema, RunStatus } from "@mcp/proto/executor";
import { CreateMcpRequestSchema, UpdateMcpRequestSchema } from "@mcp/proto/registry";
import { CreateWorkflowRequestSchema } from "@mcp/proto/workflows";
import { REQUEST_SHAPE_LIMITS } from "@mcp/validation";
import { scanBinary } from "./scan-binary";
import type { ShapeLimits } from "./scan-result";
import { leastCpuMs } from "./testing";

const scan = (desc: DescMessage, bytes: Uint8Array, limits: ShapeLimits = REQUEST_SHAPE_LIMITS) =>
  scanBinary(bytes, desc, limits);
const bytes = (...b: number[]) => new Uint8Array(b);

const mcp = toBinary(
  CreateMcpRequestSchema,
  create(CreateMcpRequestSchema, {
    name: "echo",
    tags: ["a", "b"],
    config: {
      kind: {
        case: "mcpTool",
        value: {
          transport: { case: "stdio", value: { command: "x", env: { A: "1", B: "2" } } },
          toolName: "t",
        },
      },
      secrets: ["S"],
    },
    inputSchema: { type: "object", properties: { x: { type: ["string", null], n: 1.5 } } },
  }),
);
const workflow = toBinary(
  CreateWorkflowRequestSchema,
  create(CreateWorkflowRequestSchema, {
    name: "w",
    spec: {
      steps: [
        {
          stepId: "s",
          mcp: { mcp: { case: "name", value: "echo" } },
          inputs: {
            text: { source: { case: "staticValue", value: { kind: { case: "stringValue", value: "hi" } } } },
          },
          timeoutSeconds: 5,
        },
      ],
    },
  }),
);
const runs = toBinary(
  ListRunsRequestSchema,
  create(ListRunsRequestSchema, {
    pageSize: 10,
    filter: {
      statuses: [RunStatus.FAILED, RunStatus.SUCCEEDED],
      createdAfter: timestampFromDate(new Date(0)),
    },
  }),
);

/** A seeded generator (mulberry32), so a failing case reproduces. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("scanBinary", () => {
  it("accepts what protobuf-es encodes: maps, packed enums, Structs, Values, timestamps, unknown fields", () => {
    expect(scan(CreateMcpRequestSchema, mcp)).toBeUndefined();
    expect(scan(CreateWorkflowRequestSchema, workflow)).toBeUndefined();
    expect(scan(ListRunsRequestSchema, runs)).toBeUndefined();
    // unknown fields 99 (varint), 98 (length-delimited), 97 (a group holding a fixed32)
    const unknown = new Uint8Array([
      ...mcp,
      0x98,
      0x06,
      0x01,
      0x92,
      0x06,
      0x01,
      0x41,
      0x8b,
      0x06,
      0x0d,
      1,
      2,
      3,
      4,
      0x8c,
      0x06,
    ]);
    expect(scan(CreateMcpRequestSchema, unknown)).toBeUndefined();
    expect(() => fromBinary(CreateMcpRequestSchema, unknown)).not.toThrow();
  });

  it("accepts an unpacked repeated enum (both encodings are valid)", () => {
    expect(scan(ListRunsRequestSchema, bytes(0x1a, 0x04, 0x10, 0x04, 0x10, 0x03))).toBeUndefined();
  });

  it.each([
    [
      "truncated inside a length",
      bytes(0x12, 0x05, 0x61),
      "page_token",
      "has a length of 5 bytes that runs past the end of its message (byte 1",
    ],
    [
      "a varint cut short",
      bytes(0x08),
      "page_size",
      "ends inside a varint (byte 1 of the binary mcp.executor.v1.ListRunsRequest)",
    ],
    [
      "a tag cut short",
      bytes(0x80),
      "",
      "the body is not a valid binary mcp.executor.v1.ListRunsRequest: it ends inside a varint (at byte 0)",
    ],
    ["an illegal wire type", bytes(0x0f), "", "has an illegal tag (field 1, wire type 7)"],
    ["field number 0", bytes(0x02, 0x00), "", "has an illegal tag (field 0, wire type 2)"],
    [
      "a string sent as a varint",
      bytes(0x10, 0x01),
      "page_token",
      "has wire type 0; its type is encoded with wire type 2",
    ],
    ["an end-group tag outside a group", bytes(0x7c), "", "has an end-group tag (field 15) outside a group"],
    ["an unclosed group", bytes(0xfb, 0x01), "", "has group 31 without its end tag"],
    [
      "a nested length past its parent",
      bytes(0x1a, 0x02, 0x0a, 0x05),
      "filter.workflow",
      "runs past the end of its message",
    ],
    [
      "a packed list of half a value",
      bytes(0x1a, 0x03, 0x12, 0x01, 0x80),
      "filter.statuses",
      "ends inside a varint",
    ],
  ])("refuses %s, naming the field", (_what, body, field, description) => {
    const v = scan(ListRunsRequestSchema, body);
    expect(v?.field).toBe(field);
    expect(v?.description).toContain(description);
    expect(() => fromBinary(ListRunsRequestSchema, body)).toThrow();
  });

  it("refuses invalid UTF-8 in a string (protobuf-es would too)", () => {
    const body = bytes(0x0a, 0x02, 0xc3, 0x28);
    expect(scan(CreateMcpRequestSchema, body)?.description).toContain("is not valid UTF-8");
    expect(() => fromBinary(CreateMcpRequestSchema, body)).toThrow();
  });

  it("refuses a map entry with other fields than key and value", () => {
    // Step.inputs entry with a field 3
    const entry = [0x1a, 0x02, 0x08, 0x01];
    const step = [0x2a, entry.length, ...entry];
    const spec = [0x12, step.length, ...step];
    const body = bytes(0x22, spec.length, ...spec);
    const v = scan(CreateWorkflowRequestSchema, body);
    expect(v?.field).toBe("spec.steps.inputs");
    expect(v?.description).toContain("has a map entry with field 3");
  });

  it("says when the body is JSON sent as binary", () => {
    const v = scan(CreateMcpRequestSchema, new TextEncoder().encode('{"name": "echo"}'));
    expect(v?.field).toBe("");
    expect(v?.description).toContain("the body looks like JSON: send it with content-type application/json");
  });

  it("refuses nesting deeper than the limit (Values do not count; Structs and messages do)", () => {
    let inputs: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 31; i++) inputs = { a: inputs };
    const ok = toBinary(
      ExecuteWorkflowRequestSchema,
      create(ExecuteWorkflowRequestSchema, { inputs: inputs as never }),
    );
    expect(scan(ExecuteWorkflowRequestSchema, ok)).toBeUndefined();
    const tooDeep = toBinary(
      ExecuteWorkflowRequestSchema,
      create(ExecuteWorkflowRequestSchema, { inputs: { a: inputs } as never }),
    );
    expect(scan(ExecuteWorkflowRequestSchema, tooDeep)).toEqual({
      field: `inputs${".a".repeat(32)}`,
      description: "nests more than 32 levels deep",
    });
  });

  it("counts every field, list element and map entry, and stops at the limit", () => {
    const tags = (n: number) =>
      toBinary(
        CreateMcpRequestSchema,
        create(CreateMcpRequestSchema, { tags: Array.from({ length: n }, () => "t") }),
      );
    expect(scan(CreateMcpRequestSchema, tags(10_000))).toBeUndefined();
    expect(scan(CreateMcpRequestSchema, tags(10_001))?.description).toMatch(
      /^the request holds more than 10000 fields/,
    );
    // a Struct member is 4 (entry, key, value, kind)
    const members = (n: number) =>
      toBinary(
        ExecuteWorkflowRequestSchema,
        create(ExecuteWorkflowRequestSchema, {
          inputs: Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])),
        }),
      );
    expect(scan(ExecuteWorkflowRequestSchema, members(2_499))).toBeUndefined();
    expect(scan(ExecuteWorkflowRequestSchema, members(2_500))).toBeDefined();
  });

  it("never accepts bytes protobuf-es cannot decode (20,000 seeded mutations of valid requests)", () => {
    const next = random(14);
    const samples: [DescMessage, Uint8Array][] = [
      [CreateMcpRequestSchema, mcp],
      [CreateWorkflowRequestSchema, workflow],
      [ListRunsRequestSchema, runs],
      [UpdateMcpRequestSchema, mcp],
    ];
    let accepted = 0;
    for (let i = 0; i < 20_000; i++) {
      const [desc, valid] = samples[i % samples.length]!;
      const body = Uint8Array.from(valid);
      const edits = 1 + Math.floor(next() * 3);
      for (let e = 0; e < edits; e++) body[Math.floor(next() * body.length)] = Math.floor(next() * 256);
      const cut = next() < 0.3 ? body.subarray(0, Math.floor(next() * body.length)) : body;
      if (scan(desc, cut) !== undefined) continue;
      accepted++;
      expect(() => fromBinary(desc, cut)).not.toThrow();
    }
    expect(accepted).toBeGreaterThan(100);
  });

  it("reads a body in time linear in its size, and stops early on a flood of tiny fields", () => {
    const scanOf = (bytes: Uint8Array) => () => scan(CreateMcpRequestSchema, bytes);
    // ratios of CPU within this process, not budgets, so they hold on a slow machine as on a fast one
    const text = (chars: number) =>
      toBinary(CreateMcpRequestSchema, create(CreateMcpRequestSchema, { description: "é".repeat(chars) }));
    const [small, big] = [text(256 * 1024), text(2 * 1024 * 1024)];
    expect(scanOf(big)()).toBeUndefined();
    // one 4 MiB body against eight of 512 KiB: ~1 when linear, ~8 if quadratic in the body's size
    expect(leastCpuMs(scanOf(big), 8) / leastCpuMs(scanOf(small), 64)).toBeLessThan(3);
    // a flood of one-byte fields is refused once the field limit is reached: 4 MiB of it costs
    // about what 512 KiB does (~8 times as much, were it read to the end)
    const flood = (bytes: number) => new Uint8Array(bytes).fill(0x08).map((b, i) => (i % 2 ? 0x01 : b));
    const [smallFlood, bigFlood] = [flood(512 * 1024), flood(4 * 1024 * 1024)];
    expect(scanOf(bigFlood)()).toBeDefined();
    expect(leastCpuMs(scanOf(bigFlood), 50) / leastCpuMs(scanOf(smallFlood), 50)).toBeLessThan(3);
  });
});
