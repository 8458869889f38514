import { CATALOG_GENERATION_KEY, MemoryCache } from "@mcp/coordination";
import { AlreadyExistsError, ConflictError, FailedPreconditionError, NotFoundError } from "@mcp/errors";
import { createCatalog, type ContentDraft } from "./index";
import { MemoryCatalogTables, type TestDefinition, type TestVersion } from "./testing";

const byName = (value: string) => ({ case: "name" as const, value });
const byId = (value: string) => ({ case: "id" as const, value });
const WS = "default";

function setup(options: { immutableVersions?: boolean } = {}) {
  const tables = new MemoryCatalogTables();
  const cache = new MemoryCache({ maxEntries: 100 });
  const catalog = createCatalog({
    store: tables.store(),
    queries: tables.queries(),
    cache,
    cachePrefix: "thing",
    immutableVersions: options.immutableVersions ?? false,
    onNewVersion: (def: TestDefinition, number) => {
      def.current = number;
    },
  });
  const create = (name: string, body = "v1", tags: string[] = [], workspace = WS) =>
    catalog.writer.create(workspace, { name, description: "", tags }, (base, number, now) => ({
      def: { ...base, current: number },
      version: version(base.id, number, body, now),
    }));
  return { tables, cache, catalog, create };
}

function version(definitionId: string, number: number, body: string, now: Date): TestVersion {
  return { definitionId, version: number, body, contentHash: `h:${body}`, changeNote: "", createdAt: now };
}

const bodyDraft =
  (body: string) =>
  (_latest: TestVersion, def: TestDefinition): ContentDraft<TestVersion> => ({
    contentHash: `h:${body}`,
    version: (number, now) => version(def.id, number, body, now),
  });

describe("CatalogWriter", () => {
  it("create › writes the definition at row version 1 with version 1", async () => {
    const { create } = setup();
    const { def, version: v, versionCreated } = await create("Alpha", "v1", ["x"]);
    expect(def).toMatchObject({
      name: "Alpha",
      nameKey: "alpha",
      latestVersion: 1,
      rowVersion: 1,
      current: 1,
    });
    expect(v).toMatchObject({ version: 1, body: "v1" });
    expect(versionCreated).toBe(true);
  });

  it("create › returns ALREADY_EXISTS when a live definition has the name, ignoring case", async () => {
    const { create } = setup();
    await create("Alpha");
    await expect(create("ALPHA")).rejects.toBeInstanceOf(AlreadyExistsError);
  });

  it("update › writes a new version only when the content hash changes", async () => {
    const { catalog, create } = setup();
    await create("alpha", "v1");
    const same = await catalog.writer.update(WS, byName("alpha"), "", { content: bodyDraft("v1") });
    expect(same.versionCreated).toBe(false);
    expect(same.version.version).toBe(1);
    const next = await catalog.writer.update(WS, byName("alpha"), "", { content: bodyDraft("v2") });
    expect(next.versionCreated).toBe(true);
    expect(next.def).toMatchObject({ latestVersion: 2, current: 2, rowVersion: 3 });
  });

  it("update › returns ABORTED for a stale etag and writes nothing", async () => {
    const { catalog, create, tables } = setup();
    await create("alpha");
    await catalog.writer.update(WS, byName("alpha"), "r1", { description: "changed" });
    await expect(
      catalog.writer.update(WS, byName("alpha"), "r1", { content: bodyDraft("v2") }),
    ).rejects.toBeInstanceOf(ConflictError);
    expect(tables.versions).toHaveLength(1);
  });

  it("delete › numbers of a re-created name continue after the deleted one's (never reused)", async () => {
    const { catalog, create } = setup();
    await create("alpha");
    await catalog.writer.update(WS, byName("alpha"), "", { content: bodyDraft("v2") });
    await catalog.writer.delete(WS, byName("alpha"), "");
    const again = await create("alpha");
    expect(again.version.version).toBe(3);
  });

  it("delete › a guard may refuse, and the definition stays live", async () => {
    const { catalog, create } = setup();
    const { def } = await create("alpha");
    const guard = () => Promise.reject(new FailedPreconditionError("in use", "IN_USE"));
    await expect(catalog.writer.delete(WS, byId(def.id), "", guard)).rejects.toThrow("in use");
    await expect(catalog.reader.definition(WS, byName("alpha"), { live: true })).resolves.toMatchObject({
      id: def.id,
    });
  });

  it("write › returns NOT_FOUND for a deleted definition", async () => {
    const { catalog, create } = setup();
    const { def } = await create("alpha");
    await catalog.writer.delete(WS, byId(def.id), "");
    await expect(catalog.writer.update(WS, byId(def.id), "", { description: "x" })).rejects.toBeInstanceOf(
      NotFoundError,
    );
  });

  it("write › drops the cached definition and the catalog generation", async () => {
    const { catalog, cache, create } = setup();
    const { def } = await create("alpha");
    await catalog.reader.definition(WS, byName("alpha"));
    await cache.set(CATALOG_GENERATION_KEY, 7, 60);
    await catalog.writer.update(WS, byName("alpha"), "", { description: "changed" });
    expect(await cache.get(`thing:def:${WS}:name:alpha`)).toBeUndefined();
    expect(await cache.get(`thing:def:${WS}:id:${def.id}`)).toBeUndefined();
    expect(await cache.get(CATALOG_GENERATION_KEY)).toBeUndefined();
    await expect(catalog.reader.definition(WS, byName("alpha"))).resolves.toMatchObject({
      description: "changed",
    });
  });
});

describe("CatalogReader", () => {
  it("definition › by id finds a deleted definition, by name only a live one", async () => {
    const { catalog, create } = setup();
    const { def } = await create("alpha");
    await catalog.writer.delete(WS, byId(def.id), "");
    await expect(catalog.reader.definition(WS, byId(def.id))).resolves.toMatchObject({ id: def.id });
    await expect(catalog.reader.definition(WS, byId(def.id), { live: true })).rejects.toThrow(
      "it was deleted",
    );
    await expect(catalog.reader.definition(WS, byName("alpha"))).rejects.toBeInstanceOf(NotFoundError);
  });

  it("definition › is read through the cache with its dates revived", async () => {
    const { catalog, create, tables } = setup();
    await create("alpha");
    const first = await catalog.reader.definition(WS, byName("Alpha"));
    const second = await catalog.reader.definition(WS, byName("alpha"));
    expect(tables.reads.get("findLiveByName")).toBe(1);
    expect(second).toEqual(first);
    expect(second.createdAt).toBeInstanceOf(Date);
    expect(second.deletedAt).toBeNull();
  });

  it("version › returns NOT_FOUND saying which versions exist", async () => {
    const { catalog, create } = setup();
    const { def } = await create("alpha");
    await expect(catalog.reader.version(def, 5)).rejects.toThrow("versions run from 1 to 1");
  });

  it("version › immutable versions are kept in process", async () => {
    const { catalog, create, tables, cache } = setup({ immutableVersions: true });
    const { def } = await create("alpha");
    await catalog.reader.version(def, 1);
    await cache.delete(`thing:ver:${def.id}:1`);
    await expect(catalog.reader.version(def, 1)).resolves.toMatchObject({ body: "v1" });
    expect(tables.reads.get("findVersion")).toBe(1);
  });
});

describe("workspaces", () => {
  it("the same name lives in two workspaces, each with its own versions, and neither finds the other's", async () => {
    const { catalog, create } = setup();
    const a = await create("alpha", "a1", [], "team-a");
    await catalog.writer.update("team-a", byName("alpha"), "", { content: bodyDraft("a2") });
    const b = await create("alpha", "b1", [], "team-b");
    expect(b.version.version).toBe(1);
    await expect(catalog.reader.definition("team-b", byName("alpha"))).resolves.toMatchObject({
      id: b.def.id,
    });
    await expect(catalog.reader.definition("team-b", byId(a.def.id))).rejects.toBeInstanceOf(NotFoundError);
    await expect(
      catalog.writer.update("team-b", byId(a.def.id), "", { description: "x" }),
    ).rejects.toBeInstanceOf(NotFoundError);
    const listed = await catalog.listing.definitions({ workspace: "team-a" }, 10, "", (d) => d.id);
    expect(listed.items).toEqual([a.def.id]);
  });
});

describe("CatalogListing", () => {
  it("definitions › pages by name with tokens bound to the filter", async () => {
    const { catalog, create } = setup();
    for (const name of ["c", "a", "b"]) await create(name, "v1", ["t"]);
    const first = await catalog.listing.definitions({ workspace: WS, tag: "t" }, 2, "", (d) => d.name);
    expect(first.items).toEqual(["a", "b"]);
    const second = await catalog.listing.definitions(
      { workspace: WS, tag: "t" },
      2,
      first.nextPageToken,
      (d) => d.name,
    );
    expect(second).toEqual({ items: ["c"], nextPageToken: "" });
    await expect(
      catalog.listing.definitions({ workspace: WS }, 2, first.nextPageToken, (d) => d.name),
    ).rejects.toThrow("different filter");
  });

  it("versions › pages newest first", async () => {
    const { catalog, create } = setup();
    await create("alpha", "v1");
    for (const body of ["v2", "v3"])
      await catalog.writer.update(WS, byName("alpha"), "", { content: bodyDraft(body) });
    const first = await catalog.listing.versions(WS, byName("alpha"), 2, "", (v) => v.version);
    expect(first.items).toEqual([3, 2]);
    const second = await catalog.listing.versions(
      WS,
      byName("alpha"),
      2,
      first.nextPageToken,
      (v) => v.version,
    );
    expect(second.items).toEqual([1]);
  });
});
