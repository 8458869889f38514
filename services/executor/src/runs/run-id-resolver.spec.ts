import { FailedPreconditionError, NotFoundError } from "@mcp/errors";
import { RunIdResolver, prefixDigits, runIdRange } from "./run-id-resolver";

describe("runIdRange", () => {
  it("spans every UUID that starts with the digits", () => {
    expect(runIdRange("3f2a9c1b")).toEqual({
      low: "3f2a9c1b-0000-0000-0000-000000000000",
      high: "3f2a9c1b-ffff-ffff-ffff-ffffffffffff",
    });
    expect(runIdRange(prefixDigits("3F2A9C1B-12"))).toEqual({
      low: "3f2a9c1b-1200-0000-0000-000000000000",
      high: "3f2a9c1b-12ff-ffff-ffff-ffffffffffff",
    });
  });
});

describe("RunIdResolver", () => {
  const ids = [
    "3f2a9c1b-0000-4000-8000-000000000001",
    "3f2a9c1b-1111-4000-8000-000000000002",
    "aaaaaaaa-0000-4000-8000-000000000003",
  ];
  const resolver = new RunIdResolver({
    runIdsBetween: async (_workspace, low, high, limit) =>
      ids.filter((id) => id >= low && id <= high).slice(0, limit),
  });

  it("returns the one id a prefix starts", async () => {
    await expect(resolver.resolve("default", "aaaaaaaa")).resolves.toBe(ids[2]);
    await expect(resolver.resolve("default", "3F2A9C1B-11")).resolves.toBe(ids[1]);
  });

  it("refuses an ambiguous prefix, listing the candidates", async () => {
    const err = await resolver.resolve("default", "3f2a9c1b").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect((err as FailedPreconditionError).reason).toBe("AMBIGUOUS_RUN_ID");
    expect((err as Error).message).toContain(ids[0]);
    expect((err as Error).message).toContain(ids[1]);
  });

  it("says NOT_FOUND when no id starts so", async () => {
    await expect(resolver.resolve("default", "bbbbbbbb")).rejects.toBeInstanceOf(NotFoundError);
  });
});
