import { McpType } from "@mcp/proto/registry";
import { llmConfig, newPythonMcp, uniqueName } from "../support/mcps";
import { startTestRegistry, type TestRegistry } from "../support/registry";

describe("RegistryService pagination", () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startTestRegistry();
  });
  afterAll(async () => {
    await reg.stop();
  });

  it("ListMcps › walks every page with no duplicates or gaps, even while rows are added", async () => {
    const prefix = uniqueName("page");
    const names = Array.from({ length: 23 }, (_, i) => `${prefix}-${String(i).padStart(2, "0")}`);
    // created out of order: the list is ordered by name, not by creation
    for (const name of [...names].reverse()) await reg.client.createMcp(newPythonMcp(name));

    const seen: string[] = [];
    let token = "";
    let pages = 0;
    do {
      const page = await reg.client.listMcps({ pageSize: 5, pageToken: token, filter: { text: prefix } });
      seen.push(...page.mcps.map((m) => m.name));
      token = page.nextPageToken;
      pages++;
      // a row added behind the cursor must not shift later pages
      if (pages === 2) await reg.client.createMcp(newPythonMcp(`${prefix}-00a`));
    } while (token !== "");
    expect(pages).toBe(5);
    expect(seen).toEqual(names);
  });

  it("ListMcps › filters by type and tag", async () => {
    const tag = `t${uniqueName("").slice(1, 8)}`;
    await reg.client.createMcp({ ...newPythonMcp(), tags: [tag] });
    await reg.client.createMcp({ name: uniqueName("llm"), tags: [tag], config: llmConfig() });
    const python = await reg.client.listMcps({ filter: { tag, type: McpType.PYTHON_SCRIPT } });
    expect(python.mcps.map((m) => m.type)).toEqual([McpType.PYTHON_SCRIPT]);
    const all = await reg.client.listMcps({ filter: { tag } });
    expect(all.mcps).toHaveLength(2);
  });

  it("ListMcpVersions › pages through versions newest first", async () => {
    const created = await reg.client.createMcp({ name: uniqueName(), config: llmConfig({ temperature: 0 }) });
    const id = created.mcp!.id;
    for (let i = 1; i <= 6; i++) {
      await reg.client.updateMcp({
        mcp: { case: "id", value: id },
        config: llmConfig({ temperature: i / 10 }),
      });
    }
    const seen: number[] = [];
    let token = "";
    do {
      const page = await reg.client.listMcpVersions({
        mcp: { case: "id", value: id },
        pageSize: 3,
        pageToken: token,
      });
      seen.push(...page.versions.map((v) => v.version));
      token = page.nextPageToken;
    } while (token !== "");
    expect(seen).toEqual([7, 6, 5, 4, 3, 2, 1]);
  });
});
