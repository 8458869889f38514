import { fields } from "@mcp/mcp-types/testing";
import { checkJsonSchema } from "./json-schema";

describe("checkJsonSchema", () => {
  it("accepts an unset schema and an empty object", () => {
    expect(checkJsonSchema(undefined, "input_schema")).toEqual([]);
    expect(checkJsonSchema({}, "input_schema")).toEqual([]);
  });

  it("accepts a typical object schema", () => {
    const schema = { type: "object", properties: { text: { type: "string" } }, required: ["text"] };
    expect(checkJsonSchema(schema, "input_schema")).toEqual([]);
  });

  it("rejects a type that is not a type name, an empty list or a list with a non-name", () => {
    expect(fields(checkJsonSchema({ type: true }, "s"))).toEqual(["s.type"]);
    expect(fields(checkJsonSchema({ type: [] }, "s"))).toEqual(["s.type"]);
    expect(fields(checkJsonSchema({ type: ["string", "blob"] }, "s"))).toEqual(["s.type"]);
  });

  it("rejects properties that are not an object", () => {
    expect(fields(checkJsonSchema({ properties: "text" }, "output_schema"))).toEqual([
      "output_schema.properties",
    ]);
    expect(fields(checkJsonSchema({ properties: null }, "output_schema"))).toEqual([
      "output_schema.properties",
    ]);
  });

  it("rejects required that is not a list of strings, naming the bad element", () => {
    expect(fields(checkJsonSchema({ required: "text" }, "s"))).toEqual(["s.required"]);
    expect(fields(checkJsonSchema({ required: ["a", 1] }, "s"))).toEqual(["s.required[1]"]);
  });
});
