import { Code, ConnectError } from "@connectrpc/connect";
import { McpType } from "@mcp/proto/registry";
import { llmConfig, newPythonMcp, uniqueName } from "../support/mcps";
import { startTestRegistry, type TestRegistry } from "../support/registry";

/**
 * The catalogue's faceted search: ListMcps filters by types, tags, labels and deprecation, and counts
 * the MCPs per facet value under the other filters. Each test scopes itself with a unique text prefix,
 * so the counts are exact.
 */
describe("RegistryService faceted ListMcps", () => {
  let reg: TestRegistry;
  let prefix: string;
  beforeAll(async () => {
    reg = await startTestRegistry();
    prefix = uniqueName("facet");
    // a: python, tags x,y, production → v1, latest deprecated
    // b: python, tag x
    // c: llm, tag y, production + staging
    // d: llm, no tags
    const a = await reg.client.createMcp({ ...newPythonMcp(`${prefix}-a`), tags: ["x", "y"] });
    await reg.client.createMcp({ ...newPythonMcp(`${prefix}-b`), tags: ["x"] });
    await reg.client.createMcp({ name: `${prefix}-c`, tags: ["y"], config: llmConfig() });
    await reg.client.createMcp({ name: `${prefix}-d`, config: llmConfig() });
    await reg.client.setMcpLabel({
      mcp: { case: "name", value: `${prefix}-a` },
      label: "production",
      version: 1,
    });
    for (const label of ["production", "staging"])
      await reg.client.setMcpLabel({ mcp: { case: "name", value: `${prefix}-c` }, label, version: 1 });
    await reg.client.deprecateMcpVersion({
      mcp: { case: "id", value: a.mcp!.id },
      version: 1,
      message: "use b",
    });
  });
  afterAll(async () => {
    await reg.stop();
  });

  const names = (mcps: { name: string }[]) => mcps.map((m) => m.name.slice(prefix.length + 1));

  it("counts every facet over the whole catalogue when nothing else filters", async () => {
    const res = await reg.client.listMcps({ filter: { text: prefix }, includeFacets: true });
    expect(names(res.mcps)).toEqual(["a", "b", "c", "d"]);
    expect(res.mcps.map((m) => m.deprecated)).toEqual([true, false, false, false]);
    const f = res.facets!;
    expect(f.types.map((t) => [t.type, t.count])).toEqual([
      [McpType.LLM_PROMPT, 2],
      [McpType.PYTHON_SCRIPT, 2],
    ]);
    expect(f.tags.map((t) => [t.value, t.count])).toEqual([
      ["x", 2],
      ["y", 2],
    ]);
    expect(f.labels.map((t) => [t.value, t.count])).toEqual([
      ["production", 2],
      ["staging", 1],
    ]);
    expect([f.deprecated, f.notDeprecated]).toEqual([1, 3]);
  });

  it("filters within a facet with OR and across facets with AND, counting each facet without its own filter", async () => {
    const res = await reg.client.listMcps({
      filter: { text: prefix, types: [McpType.PYTHON_SCRIPT], labels: ["production"] },
      includeFacets: true,
    });
    expect(names(res.mcps)).toEqual(["a"]);
    const f = res.facets!;
    // types under labels=production: a (python) and c (llm)
    expect(f.types.map((t) => [t.type, t.count])).toEqual([
      [McpType.LLM_PROMPT, 1],
      [McpType.PYTHON_SCRIPT, 1],
    ]);
    // labels under type=python: only a has one
    expect(f.labels.map((t) => [t.value, t.count])).toEqual([["production", 1]]);
    // tags under both: a's
    expect(f.tags.map((t) => [t.value, t.count])).toEqual([
      ["x", 1],
      ["y", 1],
    ]);

    const either = await reg.client.listMcps({ filter: { text: prefix, tags: ["x", "y"] } });
    expect(names(either.mcps)).toEqual(["a", "b", "c"]);
    expect(either.facets).toBeUndefined();
  });

  it("filters by deprecation of the latest version, and a new version clears it", async () => {
    const deprecated = await reg.client.listMcps({ filter: { text: prefix, deprecated: true } });
    expect(names(deprecated.mcps)).toEqual(["a"]);
    const live = await reg.client.listMcps({
      filter: { text: prefix, deprecated: false },
      includeFacets: true,
    });
    expect(names(live.mcps)).toEqual(["b", "c", "d"]);
    expect([live.facets!.deprecated, live.facets!.notDeprecated]).toEqual([1, 3]);

    const name = `${prefix}-e`;
    await reg.client.createMcp(newPythonMcp(name));
    await reg.client.deprecateMcpVersion({ mcp: { case: "name", value: name }, version: 1, message: "old" });
    expect((await reg.client.getMcp({ mcp: { case: "name", value: name } })).mcp!.deprecated).toBe(true);
    await reg.client.updateMcp({
      mcp: { case: "name", value: name },
      config: newPythonMcp(name, "v2").config,
    });
    const got = await reg.client.getMcp({
      mcp: { case: "name", value: name },
      selector: { case: "version", value: 1 },
    });
    expect(got.mcp!.deprecated).toBe(false);
    expect(got.version!.deprecated).toBe(true);
  });

  it("pages a faceted list with the same counts on every page", async () => {
    const first = await reg.client.listMcps({
      pageSize: 2,
      filter: { text: prefix, tags: ["x", "y"] },
      includeFacets: true,
    });
    expect(names(first.mcps)).toEqual(["a", "b"]);
    const second = await reg.client.listMcps({
      pageSize: 2,
      pageToken: first.nextPageToken,
      filter: { text: prefix, tags: ["y", "x"] },
      includeFacets: true,
    });
    expect(names(second.mcps)).toEqual(["c"]);
    expect(second.nextPageToken).toBe("");
    expect(second.facets).toEqual(first.facets);
  });

  it("rejects unknown types, bad tags and bad labels with field violations", async () => {
    const err = await reg.client
      .listMcps({ filter: { types: [McpType.UNSPECIFIED], tags: ["Bad Tag"], labels: ["9x"] } })
      .catch((e: unknown) => ConnectError.from(e));
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.InvalidArgument);
    expect((err as ConnectError).message).toMatch(/filter\.types\[0\]/);
    expect((err as ConnectError).message).toMatch(/filter\.tags\[0\]/);
    expect((err as ConnectError).message).toMatch(/filter\.labels\[0\]/);
  });
});
