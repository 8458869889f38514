import { create, type DescMessage, type MessageInitShape } from "@bufbuild/protobuf";
import {
  CreateMcpRequestSchema,
  DeleteMcpLabelRequestSchema,
  DeleteMcpRequestSchema,
  DeprecateMcpVersionRequestSchema,
  DiffMcpVersionsRequestSchema,
  GetMcpRequestSchema,
  GetMcpStatsRequestSchema,
  GetMcpVersionRequestSchema,
  ListMcpLabelMovesRequestSchema,
  ListMcpVersionsRequestSchema,
  ListMcpsRequestSchema,
  McpType,
  RegistryService,
  SetMcpLabelRequestSchema,
  UndeprecateMcpVersionRequestSchema,
} from "@mcp/proto/registry";
import type { FieldViolation } from "@mcp/errors";
import { config, fields, llmPrompt } from "@mcp/mcp-types/testing";
import { registryValidation } from "./requests";

const ID = "0b7e5a3c-2f1d-4c8e-9a6b-1d2e3f4a5b6c";

/** Runs the table's validator for a request built from `init`. */
function validate<S extends DescMessage>(schema: S, init: MessageInitShape<S>): FieldViolation[] {
  const validator = registryValidation.get(schema.typeName);
  if (!validator) throw new Error(`no validator for ${schema.typeName}`);
  return validator(create(schema, init));
}

/** Field paths of the violations of a request built from `init`. */
function paths<S extends DescMessage>(schema: S, init: MessageInitShape<S>): string[] {
  return fields(validate(schema, init));
}

const byName = { mcp: { case: "name", value: "summarize" } } as const;

describe("registryValidation", () => {
  it("has a validator for every RegistryService request", () => {
    for (const method of RegistryService.methods) {
      expect(registryValidation.has(method.input.typeName)).toBe(true);
    }
  });
});

describe("CreateMcp validation", () => {
  const valid = () => ({ name: "summarize", config: config({ case: "llmPrompt", value: llmPrompt() }) });

  it("accepts a minimal valid request", () => {
    expect(paths(CreateMcpRequestSchema, valid())).toEqual([]);
  });

  it("requires a name and a config", () => {
    expect(paths(CreateMcpRequestSchema, {})).toEqual(["name", "config"]);
  });

  it("rejects a name that does not start with a letter or has other characters", () => {
    expect(paths(CreateMcpRequestSchema, { ...valid(), name: "1abc" })).toEqual(["name"]);
    expect(paths(CreateMcpRequestSchema, { ...valid(), name: "has space" })).toEqual(["name"]);
    expect(paths(CreateMcpRequestSchema, { ...valid(), name: "Sum.v2_x-y" })).toEqual([]);
  });

  it("rejects a name over 128 characters and accepts 128", () => {
    expect(paths(CreateMcpRequestSchema, { ...valid(), name: "a".repeat(129) })).toEqual(["name"]);
    expect(paths(CreateMcpRequestSchema, { ...valid(), name: "a".repeat(128) })).toEqual([]);
  });

  it("rejects a description over 10000 characters", () => {
    expect(paths(CreateMcpRequestSchema, { ...valid(), description: "d".repeat(10_001) })).toEqual([
      "description",
    ]);
    expect(paths(CreateMcpRequestSchema, { ...valid(), description: "d".repeat(10_000) })).toEqual([]);
  });

  it("rejects more than 32 tags", () => {
    const tags = Array.from({ length: 33 }, (_, i) => `t${i}`);
    expect(paths(CreateMcpRequestSchema, { ...valid(), tags })).toEqual(["tags"]);
    expect(paths(CreateMcpRequestSchema, { ...valid(), tags: tags.slice(0, 32) })).toEqual([]);
  });

  it("rejects malformed and repeated tags, naming each index", () => {
    const tags = ["nlp", "Upper", "", "x".repeat(65), "team:ml", "nlp", "-lead"];
    expect(paths(CreateMcpRequestSchema, { ...valid(), tags })).toEqual([
      "tags[1]",
      "tags[2]",
      "tags[3]",
      "tags[6]",
      "tags[5]",
    ]);
  });

  it("validates the config per type, with its full path", () => {
    const c = llmPrompt();
    c.temperature = 1.5;
    expect(
      paths(CreateMcpRequestSchema, { ...valid(), config: config({ case: "llmPrompt", value: c }) }),
    ).toEqual(["config.llm_prompt.temperature"]);
  });

  it("rejects a schema whose type is not a JSON Schema type name", () => {
    const init = { ...valid(), inputSchema: { type: 3 }, outputSchema: { type: "text" } };
    expect(paths(CreateMcpRequestSchema, init)).toEqual(["input_schema.type", "output_schema.type"]);
  });

  it("accepts object schemas with a type name or a list of them", () => {
    const init = {
      ...valid(),
      inputSchema: { type: "object", properties: {} },
      outputSchema: { type: ["string", "null"] },
    };
    expect(paths(CreateMcpRequestSchema, init)).toEqual([]);
  });

  it("rejects a change_note over 2000 characters", () => {
    expect(paths(CreateMcpRequestSchema, { ...valid(), changeNote: "n".repeat(2001) })).toEqual([
      "change_note",
    ]);
  });

  it("returns every violation, not only the first", () => {
    const init = { name: "", tags: ["BAD"], changeNote: "n".repeat(2001) };
    expect(paths(CreateMcpRequestSchema, init)).toEqual(["name", "tags[0]", "config", "change_note"]);
  });
});

describe("GetMcp validation", () => {
  it("requires an MCP id or name, naming the mcp oneof", () => {
    expect(validate(GetMcpRequestSchema, {})).toEqual([
      { field: "mcp", description: "an MCP id or name is required" },
    ]);
  });

  it("accepts a UUID id and rejects anything else", () => {
    expect(paths(GetMcpRequestSchema, { mcp: { case: "id", value: ID.toUpperCase() } })).toEqual([]);
    expect(paths(GetMcpRequestSchema, { mcp: { case: "id", value: "42" } })).toEqual(["id"]);
    expect(paths(GetMcpRequestSchema, { mcp: { case: "id", value: "" } })).toEqual(["id"]);
  });

  it("rejects a malformed name", () => {
    expect(paths(GetMcpRequestSchema, { mcp: { case: "name", value: "_x" } })).toEqual(["name"]);
  });

  it("rejects version 0 and a malformed label, and accepts the latest label", () => {
    expect(paths(GetMcpRequestSchema, { ...byName, selector: { case: "version", value: 0 } })).toEqual([
      "version",
    ]);
    expect(paths(GetMcpRequestSchema, { ...byName, selector: { case: "label", value: "Prod" } })).toEqual([
      "label",
    ]);
    expect(paths(GetMcpRequestSchema, { ...byName, selector: { case: "label", value: "latest" } })).toEqual(
      [],
    );
    expect(paths(GetMcpRequestSchema, { ...byName, selector: { case: "version", value: 1 } })).toEqual([]);
  });
});

describe("GetMcpVersion validation", () => {
  it("requires the MCP and checks the selector", () => {
    expect(paths(GetMcpVersionRequestSchema, { selector: { case: "version", value: -2 } })).toEqual([
      "mcp",
      "version",
    ]);
    expect(
      paths(GetMcpVersionRequestSchema, { ...byName, selector: { case: "label", value: "staging" } }),
    ).toEqual([]);
  });
});

describe("ListMcps validation", () => {
  it("accepts an empty request and a page_size above the cap", () => {
    expect(paths(ListMcpsRequestSchema, {})).toEqual([]);
    expect(paths(ListMcpsRequestSchema, { pageSize: 10_000 })).toEqual([]);
  });

  it("rejects a negative page_size", () => {
    expect(paths(ListMcpsRequestSchema, { pageSize: -1 })).toEqual(["page_size"]);
  });

  it("rejects an unknown type and a malformed tag in the filter", () => {
    expect(paths(ListMcpsRequestSchema, { filter: { type: 99 as McpType, tag: "Not A Tag" } })).toEqual([
      "filter.type",
      "filter.tag",
    ]);
    expect(
      paths(ListMcpsRequestSchema, { filter: { type: McpType.MCP_TOOL, tag: "nlp", text: "Any Text!" } }),
    ).toEqual([]);
  });
});

describe("DeleteMcp validation", () => {
  it("requires the MCP", () => {
    expect(paths(DeleteMcpRequestSchema, { force: true })).toEqual(["mcp"]);
    expect(paths(DeleteMcpRequestSchema, { mcp: { case: "id", value: ID }, etag: "e1" })).toEqual([]);
  });
});

describe("ListMcpVersions validation", () => {
  it("requires the MCP and a non-negative page_size", () => {
    expect(paths(ListMcpVersionsRequestSchema, { pageSize: -5 })).toEqual(["mcp", "page_size"]);
    expect(paths(ListMcpVersionsRequestSchema, { ...byName, pageSize: 20 })).toEqual([]);
  });
});

describe("DiffMcpVersions validation", () => {
  it("requires from_version and to_version of at least 1", () => {
    expect(paths(DiffMcpVersionsRequestSchema, { ...byName })).toEqual(["from_version", "to_version"]);
    expect(paths(DiffMcpVersionsRequestSchema, { fromVersion: 1, toVersion: 2 })).toEqual(["mcp"]);
    expect(paths(DiffMcpVersionsRequestSchema, { ...byName, fromVersion: 1, toVersion: 2 })).toEqual([]);
  });
});

describe("SetMcpLabel validation", () => {
  it("accepts a valid label and version", () => {
    expect(
      paths(SetMcpLabelRequestSchema, { ...byName, label: "production", version: 3, reason: "rollout" }),
    ).toEqual([]);
  });

  it("rejects the reserved latest label", () => {
    expect(validate(SetMcpLabelRequestSchema, { ...byName, label: "latest", version: 1 })).toEqual([
      { field: "label", description: '"latest" is reserved: the registry moves it by itself' },
    ]);
  });

  it("requires a label of 1-63 characters starting with a letter, a version and a short reason", () => {
    expect(paths(SetMcpLabelRequestSchema, { ...byName })).toEqual(["label", "version"]);
    expect(paths(SetMcpLabelRequestSchema, { ...byName, label: "1prod", version: 1 })).toEqual(["label"]);
    expect(paths(SetMcpLabelRequestSchema, { ...byName, label: "a".repeat(64), version: 1 })).toEqual([
      "label",
    ]);
    expect(paths(SetMcpLabelRequestSchema, { ...byName, label: "a".repeat(63), version: 1 })).toEqual([]);
    expect(
      paths(SetMcpLabelRequestSchema, { ...byName, label: "qa", version: 1, reason: "r".repeat(2001) }),
    ).toEqual(["reason"]);
  });
});

describe("DeleteMcpLabel validation", () => {
  it("requires the MCP and a label, and rejects latest", () => {
    expect(paths(DeleteMcpLabelRequestSchema, {})).toEqual(["mcp", "label"]);
    expect(paths(DeleteMcpLabelRequestSchema, { ...byName, label: "latest" })).toEqual(["label"]);
    expect(paths(DeleteMcpLabelRequestSchema, { ...byName, label: "staging" })).toEqual([]);
  });
});

describe("ListMcpLabelMoves validation", () => {
  it("accepts no label or any valid label, including latest", () => {
    expect(paths(ListMcpLabelMovesRequestSchema, { ...byName })).toEqual([]);
    expect(paths(ListMcpLabelMovesRequestSchema, { ...byName, label: "latest" })).toEqual([]);
  });

  it("rejects a malformed label and a negative page_size", () => {
    expect(paths(ListMcpLabelMovesRequestSchema, { ...byName, label: "PROD", pageSize: -1 })).toEqual([
      "label",
      "page_size",
    ]);
  });
});

describe("DeprecateMcpVersion validation", () => {
  it("accepts a version and a message", () => {
    expect(paths(DeprecateMcpVersionRequestSchema, { ...byName, version: 2, message: "use v3" })).toEqual([]);
  });

  it("requires a version and a non-blank message", () => {
    expect(paths(DeprecateMcpVersionRequestSchema, { ...byName, message: "  " })).toEqual([
      "version",
      "message",
    ]);
  });

  it("rejects a message over 2000 characters", () => {
    expect(
      paths(DeprecateMcpVersionRequestSchema, { ...byName, version: 1, message: "m".repeat(2001) }),
    ).toEqual(["message"]);
  });
});

describe("UndeprecateMcpVersion validation", () => {
  it("requires the MCP and a version of at least 1", () => {
    expect(paths(UndeprecateMcpVersionRequestSchema, {})).toEqual(["mcp", "version"]);
    expect(paths(UndeprecateMcpVersionRequestSchema, { mcp: { case: "id", value: ID }, version: 1 })).toEqual(
      [],
    );
  });
});

describe("GetMcpStats validation", () => {
  it("accepts the empty request", () => {
    expect(paths(GetMcpStatsRequestSchema, {})).toEqual([]);
  });
});
