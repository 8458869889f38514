import { InvalidArgumentError } from "@mcp/errors";
import { decodePageToken, encodePageToken, MAX_PAGE_SIZE, pageSize } from "./page-token";

describe("page tokens", () => {
  it("round-trips a keyset for the same filter", () => {
    const token = encodePageToken(["summarize", "6f1c"], { type: 2 });
    expect(decodePageToken(token, { type: 2 })).toEqual(["summarize", "6f1c"]);
  });

  it("treats an empty token as the first page", () => {
    expect(decodePageToken("", {})).toBeUndefined();
  });

  it("rejects a token issued for another filter", () => {
    const token = encodePageToken([1], { type: 2 });
    expect(() => decodePageToken(token, { type: 3 })).toThrow(/different filter/);
  });

  it("rejects garbage with INVALID_ARGUMENT naming the field", () => {
    expect(() => decodePageToken("not-a-token", {})).toThrow(InvalidArgumentError);
    expect(() => decodePageToken(Buffer.from('{"k":[{}]}').toString("base64url"), {})).toThrow(/page_token/);
  });

  it("clamps page sizes", () => {
    expect(pageSize(0)).toBe(50);
    expect(pageSize(10)).toBe(10);
    expect(pageSize(100_000)).toBe(MAX_PAGE_SIZE);
    expect(() => pageSize(-1)).toThrow(/page_size/);
  });
});
