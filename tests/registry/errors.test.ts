import { randomUUID } from "node:crypto";
import { Code } from "@connectrpc/connect";
import { reasonOf } from "@mcp/runtime";
import { Client } from "pg";
import { expectCode } from "../support/errors";
import { llmConfig, newPythonMcp, pythonConfig, uniqueName } from "../support/mcps";
import { startTestRegistry, type TestRegistry } from "../support/registry";

describe("RegistryService errors", () => {
  let reg: TestRegistry;
  let pg: Client;
  beforeAll(async () => {
    reg = await startTestRegistry();
    pg = new Client({ connectionString: reg.db.url });
    await pg.connect();
  });
  afterAll(async () => {
    await pg.end();
    await reg.stop();
  });

  const count = async (table: string) =>
    Number((await pg.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]!.n);

  it("CreateMcp › returns INVALID_ARGUMENT naming every bad field and writes nothing", async () => {
    const before = await count("mcp_definitions");
    const err = await expectCode(
      reg.client.createMcp({ name: "9 bad name", tags: ["UPPER"], config: llmConfig({ temperature: 1.5 }) }),
      Code.InvalidArgument,
    );
    expect(err.rawMessage).toContain("name");
    expect(err.rawMessage).toContain("tags[0]");
    expect(err.rawMessage).toContain("config.llm_prompt.temperature");
    expect(reasonOf(err)).toBe("INVALID_ARGUMENT");
    expect(await count("mcp_definitions")).toBe(before);
  });

  it("CreateMcp › returns INVALID_ARGUMENT when python_script has neither script_content nor script_path", async () => {
    const err = await expectCode(
      reg.client.createMcp({ name: uniqueName(), config: { kind: { case: "pythonScript", value: {} } } }),
      Code.InvalidArgument,
    );
    expect(err.rawMessage).toContain("config.python_script");
  });

  it("CreateMcp › returns INVALID_ARGUMENT without a config", async () => {
    const err = await expectCode(reg.client.createMcp({ name: uniqueName() }), Code.InvalidArgument);
    expect(err.rawMessage).toContain("config");
  });

  it("CreateMcp › returns ALREADY_EXISTS when the name is taken, ignoring case", async () => {
    const name = uniqueName("dup");
    await reg.client.createMcp(newPythonMcp(name));
    const before = await count("mcp_versions");
    const err = await expectCode(reg.client.createMcp(newPythonMcp(name.toUpperCase())), Code.AlreadyExists);
    expect(err.rawMessage).toContain(name.toUpperCase());
    expect(await count("mcp_versions")).toBe(before);
  });

  it("CreateMcp › lets exactly one of many concurrent creates of one name win", async () => {
    const name = uniqueName("race");
    const results = await Promise.allSettled(
      Array.from({ length: 8 }, () => reg.client.createMcp(newPythonMcp(name))),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const live = await pg.query<{ n: string }>(
      "SELECT count(*) AS n FROM mcp_definitions WHERE name_key = $1",
      [name],
    );
    expect(Number(live.rows[0]!.n)).toBe(1);
  });

  it("GetMcp › returns NOT_FOUND for an unknown id, name, version or label", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    const id = created.mcp!.id;
    await expectCode(reg.client.getMcp({ mcp: { case: "id", value: randomUUID() } }), Code.NotFound);
    await expectCode(
      reg.client.getMcp({ mcp: { case: "name", value: uniqueName("nobody") } }),
      Code.NotFound,
    );
    const version = await expectCode(
      reg.client.getMcp({ mcp: { case: "id", value: id }, selector: { case: "version", value: 7 } }),
      Code.NotFound,
    );
    expect(version.rawMessage).toContain("@7");
    const label = await expectCode(
      reg.client.getMcp({ mcp: { case: "id", value: id }, selector: { case: "label", value: "production" } }),
      Code.NotFound,
    );
    expect(label.rawMessage).toContain("production");
  });

  it("GetMcp › returns INVALID_ARGUMENT for a malformed id or a missing reference", async () => {
    await expectCode(reg.client.getMcp({ mcp: { case: "id", value: "not-a-uuid" } }), Code.InvalidArgument);
    await expectCode(reg.client.getMcp({}), Code.InvalidArgument);
  });

  it("UpdateMcp › returns ABORTED on a stale etag and changes nothing", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    const id = created.mcp!.id;
    await reg.client.updateMcp({
      mcp: { case: "id", value: id },
      etag: created.mcp!.etag,
      description: "second",
    });
    const err = await expectCode(
      reg.client.updateMcp({
        mcp: { case: "id", value: id },
        etag: created.mcp!.etag,
        config: pythonConfig("stale"),
      }),
      Code.Aborted,
    );
    expect(reasonOf(err)).toBe("ETAG_MISMATCH");
    const now = await reg.client.getMcp({ mcp: { case: "id", value: id } });
    expect(now.mcp?.latestVersion).toBe(1);
    expect(now.mcp?.description).toBe("second");
  });

  it("UpdateMcp › lets exactly one of concurrent updates with the same etag win", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    const id = created.mcp!.id;
    const results = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) =>
        reg.client.updateMcp({
          mcp: { case: "id", value: id },
          etag: created.mcp!.etag,
          config: pythonConfig(`writer ${i}`),
        }),
      ),
    );
    const won = results.filter((r) => r.status === "fulfilled");
    const lost = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(won).toHaveLength(1);
    expect(lost.map((r) => (r.reason as { code: Code }).code)).toEqual(Array(5).fill(Code.Aborted));
    const versions = await reg.client.listMcpVersions({ mcp: { case: "id", value: id } });
    expect(versions.versions.map((v) => v.version)).toEqual([2, 1]);
  });

  it("UpdateMcp › refuses to change an MCP's type", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    const err = await expectCode(
      reg.client.updateMcp({ mcp: { case: "id", value: created.mcp!.id }, config: llmConfig() }),
      Code.InvalidArgument,
    );
    expect(err.rawMessage).toContain("type never changes");
  });

  it("UpdateMcp › validates the merged config of a single-field update", async () => {
    const created = await reg.client.createMcp({ name: uniqueName(), config: llmConfig() });
    await expectCode(
      reg.client.updateMcp({
        mcp: { case: "id", value: created.mcp!.id },
        updateMask: { paths: ["config.llm_prompt.model"] },
        config: llmConfig({ model: "" }),
      }),
      Code.InvalidArgument,
    );
    const latest = await reg.client.getMcp({ mcp: { case: "id", value: created.mcp!.id } });
    expect(latest.mcp?.latestVersion).toBe(1);
  });

  it("UpdateMcp › returns NOT_FOUND for a deleted MCP", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    await reg.client.deleteMcp({ mcp: { case: "id", value: created.mcp!.id } });
    await expectCode(
      reg.client.updateMcp({ mcp: { case: "id", value: created.mcp!.id }, description: "x" }),
      Code.NotFound,
    );
  });

  it("DeleteMcp › returns ABORTED on a stale etag", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    await reg.client.updateMcp({ mcp: { case: "id", value: created.mcp!.id }, description: "moved on" });
    await expectCode(
      reg.client.deleteMcp({ mcp: { case: "id", value: created.mcp!.id }, etag: created.mcp!.etag }),
      Code.Aborted,
    );
    expect(
      (await reg.client.getMcp({ mcp: { case: "id", value: created.mcp!.id } })).mcp?.deleteTime,
    ).toBeUndefined();
  });

  it("DeleteMcp › returns FAILED_PRECONDITION naming the workflow that uses the MCP, unless forced", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    const workflow = uniqueName("wf");
    const wfId = randomUUID();
    await pg.query(
      `INSERT INTO workflow_definitions (id, name, name_key, latest_version, current_version, created_at, updated_at)
       VALUES ($1, $2, $3, 1, 1, now(), now())`,
      [wfId, workflow, workflow.toLowerCase()],
    );
    await pg.query(
      `INSERT INTO workflow_versions (workflow_id, version, spec, mcp_refs, content_hash, created_at) VALUES ($1, 1, '{}', $2, 'x', now())`,
      [wfId, [`name:${created.mcp!.name.toLowerCase()}`]],
    );
    const err = await expectCode(
      reg.client.deleteMcp({ mcp: { case: "id", value: created.mcp!.id } }),
      Code.FailedPrecondition,
    );
    expect(err.rawMessage).toContain(workflow);
    expect(reasonOf(err)).toBe("MCP_IN_USE");
    const forced = await reg.client.deleteMcp({ mcp: { case: "id", value: created.mcp!.id }, force: true });
    expect(forced.mcp?.deleteTime).toBeDefined();
  });

  it("SetMcpLabel › returns NOT_FOUND for a missing version and INVALID_ARGUMENT for `latest`", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    await expectCode(
      reg.client.setMcpLabel({
        mcp: { case: "id", value: created.mcp!.id },
        label: "production",
        version: 5,
      }),
      Code.NotFound,
    );
    await expectCode(
      reg.client.setMcpLabel({ mcp: { case: "id", value: created.mcp!.id }, label: "latest", version: 1 }),
      Code.InvalidArgument,
    );
    expect(
      Number(
        (
          await pg.query<{ n: string }>("SELECT count(*) AS n FROM mcp_label_moves WHERE mcp_id = $1", [
            created.mcp!.id,
          ])
        ).rows[0]!.n,
      ),
    ).toBe(0);
  });

  it("DiffMcpVersions › returns NOT_FOUND for a version that does not exist", async () => {
    const created = await reg.client.createMcp(newPythonMcp());
    await expectCode(
      reg.client.diffMcpVersions({
        mcp: { case: "id", value: created.mcp!.id },
        fromVersion: 1,
        toVersion: 2,
      }),
      Code.NotFound,
    );
  });

  it("ListMcps › rejects a page token issued for another filter", async () => {
    const prefix = uniqueName("tok");
    for (let i = 0; i < 3; i++) await reg.client.createMcp(newPythonMcp(`${prefix}-${i}`));
    const first = await reg.client.listMcps({ pageSize: 1, filter: { text: prefix } });
    expect(first.nextPageToken).not.toBe("");
    await expectCode(
      reg.client.listMcps({ pageSize: 1, pageToken: first.nextPageToken, filter: { text: "other" } }),
      Code.InvalidArgument,
    );
    await expectCode(reg.client.listMcps({ pageToken: "garbage" }), Code.InvalidArgument);
  });
});
