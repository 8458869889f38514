import { create } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { errorDetails } from "@mcp/proto/grpc";
import { describe, expect, it } from "vitest";
import { codeName, describeError, isTransient } from "./describe";

describe("codeName", () => {
  it("spells codes as gRPC does", () => {
    expect(codeName(Code.NotFound)).toBe("NOT_FOUND");
    expect(codeName(Code.InvalidArgument)).toBe("INVALID_ARGUMENT");
    expect(codeName(Code.Unavailable)).toBe("UNAVAILABLE");
    expect(codeName(Code.FailedPrecondition)).toBe("FAILED_PRECONDITION");
  });
});

describe("describeError", () => {
  it("keeps the code name and the raw message of a ConnectError", () => {
    const d = describeError(new ConnectError('MCP "nope" not found', Code.NotFound));
    expect(d.code).toBe("NOT_FOUND");
    expect(d.message).toBe('MCP "nope" not found');
    expect(d.violations).toEqual([]);
  });

  it("lists the field violations and the reason carried as details", () => {
    const err = new ConnectError("the request is invalid", Code.InvalidArgument, undefined, [
      { desc: errorDetails.ErrorInfoSchema, value: { reason: "INVALID_SPEC", domain: "workflows" } },
      {
        desc: errorDetails.BadRequestSchema,
        value: {
          fieldViolations: [
            { field: "spec.steps[0].mcp", description: "MCP nope does not exist" },
            { field: "name", description: "required" },
          ],
        },
      },
    ]);
    const d = describeError(err);
    expect(d.reason).toBe("INVALID_SPEC");
    expect(d.violations).toEqual([
      { field: "spec.steps[0].mcp", description: "MCP nope does not exist" },
      { field: "name", description: "required" },
    ]);
  });

  it("reads details that arrived over the wire (binary Any)", () => {
    const detail = create(errorDetails.BadRequestSchema, {
      fieldViolations: [{ field: "config", description: "missing" }],
    });
    const wire = new ConnectError("bad", Code.InvalidArgument, undefined, [
      { desc: errorDetails.BadRequestSchema, value: detail },
    ]);
    expect(describeError(wire).violations).toEqual([{ field: "config", description: "missing" }]);
  });

  it("explains a network failure without hiding the message", () => {
    const d = describeError(new ConnectError("Failed to fetch", Code.Unknown));
    expect(d.code).toBe("UNKNOWN");
    expect(d.message).toBe("Failed to fetch");
    expect(d.hint).toMatch(/could not reach/);
  });

  it("describes a local error by its message, without a code", () => {
    const d = describeError(new Error("config: not valid YAML"));
    expect(d.code).toBeUndefined();
    expect(d.message).toBe("config: not valid YAML");
  });
});

describe("isTransient", () => {
  it("retries UNAVAILABLE but not NOT_FOUND", () => {
    expect(isTransient(new ConnectError("down", Code.Unavailable))).toBe(true);
    expect(isTransient(new ConnectError("nope", Code.NotFound))).toBe(false);
    expect(isTransient(new Error("x"))).toBe(false);
  });
});
