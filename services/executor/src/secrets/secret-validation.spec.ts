import { create, type Message } from "@bufbuild/protobuf";
import {
  DeleteSecretRequestSchema,
  GetSecretRequestSchema,
  ListSecretsRequestSchema,
  PutSecretRequestSchema,
} from "@mcp/proto/executor";
import type { FieldViolation } from "@mcp/errors";
import { secretValidation } from "./secret-validation.js";

const check = (message: Message): FieldViolation[] => {
  const validate = secretValidation.get(message.$typeName);
  if (!validate) throw new Error(`no rules for ${message.$typeName}`);
  return validate(message);
};
const putting = (fields: { name?: string; value?: string; description?: string; etag?: string }) =>
  check(create(PutSecretRequestSchema, { name: "API_KEY", value: "v", ...fields }));

describe("SecretService request rules", () => {
  it("accepts a well-formed put, including a 64 KiB value and names that only look like reserved ones", () => {
    expect(putting({})).toEqual([]);
    expect(putting({ value: "x".repeat(64 * 1024), description: "d".repeat(1000) })).toEqual([]);
    for (const name of ["_x", "Path", "path", "MY_LD_FLAGS", "A".repeat(128), "OPENAI_API_KEY"]) {
      expect(putting({ name })).toEqual([]);
    }
  });

  it.each([
    ["", "is required"],
    ["1ABC", "1-128 characters of letters, digits and '_', not starting with a digit"],
    ["MY-KEY", "not starting with a digit"],
    ["A".repeat(129), "1-128 characters"],
    ["PATH", '"PATH" is reserved: the sandbox sets it'],
    ["HOME", '"HOME" is reserved'],
    ["LC_ALL", '"LC_ALL" is reserved'],
    ["LD_PRELOAD", 'names starting with "LD_" are reserved: the dynamic loader reads them'],
    ["PYTHONPATH", 'names starting with "PYTHON" are reserved'],
    ["MCP_RUN_ID", 'names starting with "MCP_" are reserved'],
    ["BASH_FUNC_x", 'names starting with "BASH_FUNC" are reserved'],
  ])("refuses the name %j: %s", (name, description) => {
    const violations = putting({ name });
    expect(violations).toHaveLength(1);
    expect(violations[0]?.field).toBe("name");
    expect(violations[0]?.description).toContain(description);
  });

  it("refuses a bad value without quoting it", () => {
    const cases: Array<[string, string]> = [
      ["", "is required"],
      ["s".repeat(64 * 1024 + 1), "must be at most 65536 bytes (64 KiB) of UTF-8"],
      ["é".repeat(32 * 1024 + 1), "must be at most 65536 bytes"],
      ["sec\u0000ret", "must not contain U+0000"],
      ["sec\ud800ret", "unpaired UTF-16 surrogate"],
      ["sec\udc00", "unpaired UTF-16 surrogate"],
    ];
    for (const [value, description] of cases) {
      const violations = putting({ value });
      expect(violations).toEqual([
        { field: "value", description: expect.stringContaining(description) as string },
      ]);
      if (value) expect(violations[0]?.description).not.toContain(value.slice(0, 3));
    }
    expect(putting({ value: "emoji 😀 is fine" })).toEqual([]);
  });

  it("refuses a long or unstorable description, a long etag, and reports every problem at once", () => {
    expect(putting({ description: "d".repeat(1001) })).toEqual([
      { field: "description", description: "must be at most 1000 characters" },
    ]);
    expect(putting({ description: "a\u0000b" })[0]?.field).toBe("description");
    expect(putting({ etag: "r".repeat(65) })[0]?.field).toBe("etag");
    expect(putting({ name: "PATH", value: "", description: "\u0000" }).map((v) => v.field)).toEqual([
      "name",
      "value",
      "description",
    ]);
  });

  it("checks names on get and delete (reserved ones simply do not exist) and page sizes on list", () => {
    expect(check(create(GetSecretRequestSchema, { name: "" }))).toEqual([
      { field: "name", description: "is required" },
    ]);
    expect(check(create(GetSecretRequestSchema, { name: "PATH" }))).toEqual([]);
    expect(check(create(DeleteSecretRequestSchema, { name: "a b" }))[0]?.field).toBe("name");
    expect(check(create(ListSecretsRequestSchema, { pageSize: 500 }))).toEqual([]);
    expect(check(create(ListSecretsRequestSchema, { pageSize: 501 }))).toEqual([
      { field: "page_size", description: "must be between 0 and 500" },
    ]);
    expect(check(create(ListSecretsRequestSchema, { pageSize: -1 }))[0]?.field).toBe("page_size");
  });
});
