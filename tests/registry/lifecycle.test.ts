import { Code } from "@connectrpc/connect";
import { ChangeKind, McpType } from "@mcp/proto/registry";
import { Client } from "pg";
import { expectCode } from "../support/errors";
import { llmConfig, newPythonMcp, pythonConfig, uniqueName } from "../support/mcps";
import { startTestRegistry, type TestRegistry } from "../support/registry";

describe("RegistryService lifecycle", () => {
  let reg: TestRegistry;
  beforeAll(async () => {
    reg = await startTestRegistry();
  });
  afterAll(async () => {
    await reg.stop();
  });

  it("creates, lists, gets, updates, labels, diffs and deletes an MCP", async () => {
    const name = uniqueName("summarize");
    const { client } = reg;

    // create → v1 with defaults filled in and `latest` on it
    const created = await client.createMcp({
      name,
      description: "Summaries",
      tags: ["text", "llm"],
      config: llmConfig(),
      changeNote: "first",
    });
    expect(created.mcp?.type).toBe(McpType.LLM_PROMPT);
    expect(created.mcp?.latestVersion).toBe(1);
    expect(created.mcp?.labels).toEqual({ latest: 1 });
    expect(created.version?.contentHash).toMatch(/^[0-9a-f]{64}$/);
    const v1Config = created.version?.config;
    expect(v1Config?.kind.case).toBe("llmPrompt");
    expect(v1Config?.kind.case === "llmPrompt" && v1Config.kind.value.maxTokens).toBe(1024);
    const id = created.mcp!.id;

    // list finds it by type, tag and text
    const byTag = await client.listMcps({
      filter: { tag: "llm", type: McpType.LLM_PROMPT, text: name.slice(-8) },
    });
    expect(byTag.mcps.map((m) => m.id)).toEqual([id]);

    // get by name (any case) and by id
    expect((await client.getMcp({ mcp: { case: "name", value: name.toUpperCase() } })).mcp?.id).toBe(id);
    expect((await client.getMcp({ mcp: { case: "id", value: id } })).version?.version).toBe(1);

    // update the temperature only → v2; v1 untouched
    const updated = await client.updateMcp({
      mcp: { case: "id", value: id },
      etag: created.mcp!.etag,
      updateMask: { paths: ["config.llm_prompt.temperature"] },
      config: llmConfig({ temperature: 0.9 }),
      changeNote: "warmer",
    });
    expect(updated.versionCreated).toBe(true);
    expect(updated.version?.version).toBe(2);
    expect(updated.mcp?.labels).toEqual({ latest: 2 });
    const v2 = updated.version!.config!.kind;
    expect(v2.case === "llmPrompt" && v2.value.temperature).toBe(0.9);
    expect(v2.case === "llmPrompt" && v2.value.template).toBe("Summarise: {{text}}");

    const v1 = await client.getMcp({
      mcp: { case: "name", value: name },
      selector: { case: "version", value: 1 },
    });
    expect(v1.version?.config).toEqual(v1Config);
    expect(v1.version?.contentHash).toBe(created.version?.contentHash);
    expect(v1.version?.changeNote).toBe("first");

    // the same content again writes no version
    const same = await client.updateMcp({ mcp: { case: "id", value: id }, config: updated.version!.config });
    expect(same.versionCreated).toBe(false);
    expect(same.mcp?.latestVersion).toBe(2);

    // production → v1, then → v2, then rolled back to v1: every move recorded
    await client.setMcpLabel({
      mcp: { case: "name", value: name },
      label: "production",
      version: 1,
      reason: "initial release",
    });
    await client.setMcpLabel({
      mcp: { case: "name", value: name },
      label: "production",
      version: 2,
      reason: "promote",
    });
    const rolledBack = await client.setMcpLabel({
      mcp: { case: "name", value: name },
      label: "production",
      version: 1,
      reason: "rollback",
    });
    expect(rolledBack.mcp?.labels).toEqual({ latest: 2, production: 1 });
    expect(rolledBack.move?.fromVersion).toBe(2);
    expect(rolledBack.move?.toVersion).toBe(1);
    const moves = await client.listMcpLabelMoves({ mcp: { case: "id", value: id }, label: "production" });
    expect(moves.moves.map((m) => [m.fromVersion, m.toVersion, m.reason])).toEqual([
      [2, 1, "rollback"],
      [1, 2, "promote"],
      [undefined, 1, "initial release"],
    ]);
    expect(moves.moves.every((m) => m.moveTime !== undefined)).toBe(true);
    const prod = await client.getMcp({
      mcp: { case: "name", value: name },
      selector: { case: "label", value: "production" },
    });
    expect(prod.version?.version).toBe(1);
    expect(prod.version?.labels).toEqual(["production"]);

    // diff v1 → v2 names exactly the temperature
    const diff = await client.diffMcpVersions({
      mcp: { case: "id", value: id },
      fromVersion: 1,
      toVersion: 2,
    });
    expect(diff.changes.map((c) => [c.path, c.kind])).toEqual([
      ["config.llm_prompt.temperature", ChangeKind.MODIFIED],
    ]);
    expect(diff.changes[0]?.oldValue?.kind).toEqual({ case: "numberValue", value: 0.2 });
    expect(diff.changes[0]?.newValue?.kind).toEqual({ case: "numberValue", value: 0.9 });

    // deprecate v1: still readable, flagged
    await client.deprecateMcpVersion({ mcp: { case: "id", value: id }, version: 1, message: "use v2" });
    const deprecated = await client.getMcpVersion({
      mcp: { case: "id", value: id },
      selector: { case: "version", value: 1 },
    });
    expect(deprecated.version?.deprecated).toBe(true);
    expect(deprecated.version?.deprecationMessage).toBe("use v2");
    const versions = await client.listMcpVersions({ mcp: { case: "id", value: id } });
    expect(versions.versions.map((v) => [v.version, v.deprecated])).toEqual([
      [2, false],
      [1, true],
    ]);
    await client.undeprecateMcpVersion({ mcp: { case: "id", value: id }, version: 1 });
    expect(
      (
        await client.getMcpVersion({
          mcp: { case: "id", value: id },
          selector: { case: "version", value: 1 },
        })
      ).version?.deprecated,
    ).toBe(false);

    // delete: gone by name and from the list, versions still readable by id
    const current = await client.getMcp({ mcp: { case: "id", value: id } });
    const deleted = await client.deleteMcp({ mcp: { case: "id", value: id }, etag: current.mcp!.etag });
    expect(deleted.mcp?.deleteTime).toBeDefined();
    await expectCode(client.getMcp({ mcp: { case: "name", value: name } }), Code.NotFound);
    expect((await client.listMcps({ filter: { text: name } })).mcps).toEqual([]);
    expect(
      (await client.listMcps({ filter: { text: name }, showDeleted: true })).mcps.map((m) => m.id),
    ).toEqual([id]);
    const old = await client.getMcpVersion({
      mcp: { case: "id", value: id },
      selector: { case: "version", value: 1 },
    });
    expect(old.version?.contentHash).toBe(created.version?.contentHash);
  });

  it("continues version numbers when a deleted name is created again", async () => {
    const name = uniqueName("reborn");
    const first = await reg.client.createMcp(newPythonMcp(name, "a"));
    await reg.client.updateMcp({ mcp: { case: "id", value: first.mcp!.id }, config: pythonConfig("b") });
    await reg.client.deleteMcp({ mcp: { case: "name", value: name } });
    const again = await reg.client.createMcp(newPythonMcp(name.toUpperCase(), "c"));
    expect(again.mcp?.id).not.toBe(first.mcp?.id);
    expect(again.version?.version).toBe(3);
    expect(again.mcp?.labels).toEqual({ latest: 3 });
  });

  it("stores versions, label moves and the definition in PostgreSQL", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    await reg.client.setMcpLabel({
      mcp: { case: "id", value: created.mcp!.id },
      label: "staging",
      version: 1,
    });
    const pg = new Client({ connectionString: reg.db.url });
    await pg.connect();
    try {
      const defs = await pg.query("SELECT type, labels, latest_version FROM mcp_definitions WHERE id = $1", [
        created.mcp!.id,
      ]);
      expect(defs.rows).toEqual([
        { type: "python_script", labels: { latest: 1, staging: 1 }, latest_version: 1 },
      ]);
      const versions = await pg.query("SELECT version, content_hash FROM mcp_versions WHERE mcp_id = $1", [
        created.mcp!.id,
      ]);
      expect(versions.rows).toEqual([{ version: 1, content_hash: created.version!.contentHash }]);
      const moves = await pg.query(
        "SELECT label, from_version, to_version FROM mcp_label_moves WHERE mcp_id = $1",
        [created.mcp!.id],
      );
      expect(moves.rows).toEqual([{ label: "staging", from_version: null, to_version: 1 }]);
    } finally {
      await pg.end();
    }
  });

  it("counts live MCPs by type and by model", async () => {
    const model = `model-${uniqueName("m")}`;
    await reg.client.createMcp({ name: uniqueName("llm"), config: llmConfig({ model }) });
    await reg.client.createMcp({ name: uniqueName("llm"), config: llmConfig({ model }) });
    const gone = await reg.client.createMcp({ name: uniqueName("llm"), config: llmConfig({ model }) });
    await reg.client.deleteMcp({ mcp: { case: "id", value: gone.mcp!.id } });
    const stats = await reg.client.getMcpStats({});
    expect(stats.byModel[model]).toBe(2n);
    expect(stats.byType["llm_prompt"]).toBeGreaterThanOrEqual(2n);
    expect(stats.totalMcps).toBe(Object.values(stats.byType).reduce((a, b) => a + b, 0n));
  });
});
