import { ConflictError, InvalidArgumentError, NotFoundError } from "./errors";

describe("domain errors", () => {
  it("NotFoundError names the resource and key and derives its reason", () => {
    const e = new NotFoundError("MCP", "summarize");
    expect(e.message).toBe('MCP "summarize" not found');
    expect(e.reason).toBe("MCP_NOT_FOUND");
    expect(e.kind).toBe("not_found");
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("NotFoundError");
  });

  it("InvalidArgumentError lists every violation with its field path", () => {
    const e = new InvalidArgumentError([
      { field: "name", description: "is required" },
      { field: "config.llm_prompt.temperature", description: "must be between 0 and 1" },
    ]);
    expect(e.message).toBe("name: is required; config.llm_prompt.temperature: must be between 0 and 1");
    expect(e.metadata["fields"]).toBe("name,config.llm_prompt.temperature");
  });

  it("any domain error names the request field it is about; an INVALID_ARGUMENT's are its violations", () => {
    const missing = new NotFoundError("workflow", "nightly").about("spec.workflow");
    expect(missing.fieldViolations).toEqual([
      { field: "spec.workflow", description: 'workflow "nightly" not found' },
    ]);
    expect(new NotFoundError("run", "x").fieldViolations).toEqual([]);
    const invalid = InvalidArgumentError.field("cron", "is required");
    expect(invalid.fieldViolations).toEqual([{ field: "cron", description: "is required" }]);
  });

  it("ConflictError carries both etags", () => {
    const e = new ConflictError("MCP", "x", "1", "2");
    expect(e.metadata).toMatchObject({ expected_etag: "1", current_etag: "2" });
    expect(e.reason).toBe("ETAG_MISMATCH");
  });
});
