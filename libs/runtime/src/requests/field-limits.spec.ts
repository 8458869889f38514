import type { DescField, DescMessage } from "@bufbuild/protobuf";
import { ExecutorService, SecretService } from "@mcp/proto/executor";
import { RegistryService } from "@mcp/proto/registry";
import { WorkflowService } from "@mcp/proto/workflows";
import { LIMITS_BY_FIELD, LIMITS_BY_NAME } from "@mcp/validation";
import { limitOf } from "./field-limits";

/** Every field of every request message of the four services, at any depth. */
function requestFields(): DescField[] {
  const seen = new Set<string>();
  const fields: DescField[] = [];
  const visit = (desc: DescMessage) => {
    if (seen.has(desc.typeName)) return;
    seen.add(desc.typeName);
    for (const field of desc.fields) {
      fields.push(field);
      if (field.message) visit(field.message);
    }
  };
  for (const service of [RegistryService, WorkflowService, ExecutorService, SecretService]) {
    for (const method of service.methods) visit(method.input);
  }
  return fields;
}

describe("the limit table", () => {
  const fields = requestFields();

  it("names only fields that exist in a request (a typo would silently fall back to the default)", () => {
    const fullNames = new Set(fields.map((f) => `${f.parent.typeName}.${f.name}`));
    expect(Object.keys(LIMITS_BY_FIELD).filter((name) => !fullNames.has(name))).toEqual([]);
    const names = new Set(fields.map((f) => f.name));
    expect(Object.keys(LIMITS_BY_NAME).filter((name) => !names.has(name))).toEqual([]);
  });

  it("makes every field named id a UUID, and every request string capped", () => {
    for (const field of fields) {
      const limit = limitOf(field);
      if (field.name === "id") expect(limit.text.uuid).toBe(true);
      expect(limit.text.maxChars ?? limit.text.maxBytes).toBeGreaterThan(0);
      expect(limit.maxItems).toBeGreaterThan(0);
    }
  });

  it("resolves a field's own rule over its name's, and its name's over the default", () => {
    const field = (typeName: string, name: string) =>
      fields.find((f) => f.parent.typeName === typeName && f.name === name)!;
    expect(limitOf(field("mcp.workflows.v1.Step", "name")).text).toEqual({ maxChars: 200 });
    expect(limitOf(field("mcp.registry.v1.CreateMcpRequest", "name")).text).toEqual({ maxChars: 128 });
    expect(limitOf(field("mcp.registry.v1.LlmProvider", "api")).maxItems).toBe(1_000);
    expect(limitOf(field("mcp.registry.v1.McpFilter", "text")).text).toEqual({ maxChars: 256 });
    expect(limitOf(field("mcp.registry.v1.StdioTransport", "env"))).toMatchObject({
      key: { maxChars: 256 },
      text: { maxChars: 8192 },
      maxItems: 256,
    });
  });
});
