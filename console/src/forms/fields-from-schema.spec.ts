import { describe, expect, it } from "vitest";
import { buildInputs, initialValues } from "./build-inputs";
import { fieldsFromJsonSchema, kindOfValue } from "./fields-from-schema";

const schema = {
  type: "object",
  properties: {
    text: { type: "string", description: "What to say" },
    times: { type: "integer", default: 2 },
    ratio: { type: ["number", "null"] },
    loud: { type: "boolean" },
    options: { type: "object" },
    tags: { type: "array" },
    mood: { enum: ["calm", "angry"] },
    anything: {},
  },
  required: ["text", "loud"],
};

describe("fieldsFromJsonSchema", () => {
  it("makes a field per property, typed and marked required as the schema says", () => {
    const fields = fieldsFromJsonSchema(schema);
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ["text", "string", true],
      ["times", "integer", false],
      ["ratio", "number", false],
      ["loud", "boolean", true],
      ["options", "object", false],
      ["tags", "array", false],
      ["mood", "string", false],
      ["anything", "json", false],
    ]);
    expect(fields[0]!.description).toBe("What to say");
    expect(fields[1]!.defaultValue).toBe(2);
    expect(fields[6]!.options).toEqual(["calm", "angry"]);
  });

  it("gives no fields for a schema without properties", () => {
    expect(fieldsFromJsonSchema(undefined)).toEqual([]);
    expect(fieldsFromJsonSchema({ type: "object" })).toEqual([]);
  });
});

describe("buildInputs", () => {
  const fields = fieldsFromJsonSchema(schema);

  it("converts each value to its kind and leaves empty optional fields out", () => {
    const values = {
      ...initialValues(fields),
      text: "hi",
      ratio: "0.5",
      loud: true,
      options: '{"a": 1}',
      mood: "calm",
      anything: "[1, 2]",
    };
    expect(buildInputs(fields, values)).toEqual({
      ok: true,
      inputs: {
        text: "hi",
        times: 2,
        ratio: 0.5,
        loud: true,
        options: { a: 1 },
        mood: "calm",
        anything: [1, 2],
      },
    });
  });

  it("reports each invalid field", () => {
    const values = { ...initialValues(fields), times: "2.5", ratio: "many", options: "[]", tags: "{" };
    expect(buildInputs(fields, values)).toEqual({
      ok: false,
      errors: {
        text: "required",
        times: "not a whole number",
        ratio: "not a number",
        options: "must be a JSON object",
        tags: "not valid JSON",
      },
    });
  });

  it("sends an optional boolean only when it is set", () => {
    const optional = [{ name: "dry", kind: "boolean" as const, required: false }];
    expect(buildInputs(optional, { dry: "" })).toEqual({ ok: true, inputs: {} });
    expect(buildInputs(optional, { dry: "false" })).toEqual({ ok: true, inputs: { dry: false } });
  });
});

describe("kindOfValue", () => {
  it("reads the kind off a sample value", () => {
    expect([3, 0.5, true, "x", {}, [], null].map((v) => kindOfValue(v))).toEqual([
      "integer",
      "number",
      "boolean",
      "string",
      "object",
      "array",
      "string",
    ]);
  });
});
