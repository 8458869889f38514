import { CATALOG_GENERATION_KEY, CatalogMemo } from "./catalog-generation";
import { MemoryCache } from "./memory-cache";

describe("CatalogMemo", () => {
  it("keeps a resolution while the generation is unchanged, and loads again once a writer deleted it", async () => {
    const shared = new MemoryCache({ maxEntries: 100 });
    const memo = new CatalogMemo<{ version: number }>(shared);
    let version = 1;
    let loads = 0;
    const load = async () => {
      loads += 1;
      return { version };
    };

    const g1 = await memo.generation();
    expect(await shared.get(CATALOG_GENERATION_KEY)).toBe(g1); // set before anything is loaded
    expect(await memo.get(g1, "wf:a", load)).toEqual({ version: 1 });
    expect(await memo.get(await memo.generation(), "wf:a", load)).toEqual({ version: 1 });
    expect(loads).toBe(1);

    // a writer commits a new version, then deletes the generation before answering
    version = 2;
    await shared.delete(CATALOG_GENERATION_KEY);
    const g2 = await memo.generation();
    expect(g2).not.toBe(g1);
    expect(await memo.get(g2, "wf:a", load)).toEqual({ version: 2 });
    expect(loads).toBe(2);
  });

  it("does not keep a failed load", async () => {
    const memo = new CatalogMemo<{ ok: boolean }>(new MemoryCache({ maxEntries: 10 }));
    const g = await memo.generation();
    await expect(memo.get(g, "k", () => Promise.reject(new Error("NOT_FOUND")))).rejects.toThrow("NOT_FOUND");
    expect(await memo.get(g, "k", async () => ({ ok: true }))).toEqual({ ok: true });
  });
});
