import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import { openDatabase } from "../data-source";
import { createTestDatabase, type TestDatabase } from "../testing";
import { SecretStore, type NewSecret } from "./secret-store";

const sealed = (keyId = "k1") => ({ keyId, nonce: randomBytes(12), ciphertext: randomBytes(24) });
const secret = (name: string, keyId = "k1", workspace = "default"): NewSecret => ({
  workspace,
  name,
  description: `about ${name}`,
  valueVersion: 1,
  ...sealed(keyId),
  createdBy: "ci",
  updatedBy: "ci",
});

describe("SecretStore", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: SecretStore;
  beforeAll(async () => {
    db = await createTestDatabase();
    dataSource = (await openDatabase({ url: db.url, poolSize: 2 })).dataSource;
    store = new SecretStore(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });
  afterEach(async () => {
    await dataSource.query("DELETE FROM secrets");
  });

  it("inserts a secret at row version 1 and reads it back byte for byte; a second insert of the name does nothing", async () => {
    const row = secret("API_TOKEN");
    const inserted = await store.insert(row);
    expect(inserted).toMatchObject({ name: "API_TOKEN", rowVersion: 1, valueVersion: 1, createdBy: "ci" });
    expect(inserted?.createdAt).toBeInstanceOf(Date);
    const read = await store.get("default", "API_TOKEN");
    expect(read?.nonce.equals(row.nonce)).toBe(true);
    expect(read?.ciphertext.equals(row.ciphertext)).toBe(true);
    expect(await store.insert(secret("API_TOKEN"))).toBeUndefined();
    expect(await store.get("default", "api_token")).toBeUndefined(); // case-sensitive
  });

  it("upsert creates, then bumps value and row versions, keeping the description unless given", async () => {
    const { description: _unused, valueVersion: _v, ...row } = secret("UP");
    const created = await store.upsert(row);
    expect(created).toMatchObject({
      created: true,
      secret: { valueVersion: 1, rowVersion: 1, description: "" },
    });
    await store.upsert({ ...row, description: "set" });
    const next = sealed("k9");
    const again = await store.upsert({ ...row, ...next, description: undefined, updatedBy: "other" });
    expect(again).toMatchObject({
      created: false,
      secret: {
        valueVersion: 3,
        rowVersion: 3,
        description: "set",
        keyId: "k9",
        createdBy: "ci",
        updatedBy: "other",
      },
    });
    expect(again.secret.ciphertext.equals(next.ciphertext)).toBe(true);
    const all = await Promise.all(Array.from({ length: 6 }, () => store.upsert(row)));
    expect(all.filter((r) => r.created)).toHaveLength(0);
    expect((await store.get("default", "UP"))?.valueVersion).toBe(9);
  });

  it("compare-and-set writes only at the expected row version, bumping it; keeps the description when not given", async () => {
    await store.insert(secret("TOKEN"));
    const next = sealed("k2");
    const updated = await store.compareAndSet("default", "TOKEN", 1, {
      ...next,
      valueVersion: 2,
      updatedBy: null,
    });
    expect(updated).toMatchObject({
      rowVersion: 2,
      valueVersion: 2,
      keyId: "k2",
      description: "about TOKEN",
      updatedBy: null,
    });
    expect(updated?.ciphertext.equals(next.ciphertext)).toBe(true);
    // a writer still holding version 1 loses, and changes nothing
    expect(
      await store.compareAndSet("default", "TOKEN", 1, {
        ...sealed(),
        valueVersion: 2,
        description: "x",
        updatedBy: "late",
      }),
    ).toBeUndefined();
    expect(await store.get("default", "TOKEN")).toMatchObject({
      rowVersion: 2,
      keyId: "k2",
      description: "about TOKEN",
    });
    expect(
      await store.compareAndSet("default", "MISSING", 1, { ...sealed(), valueVersion: 2, updatedBy: null }),
    ).toBeUndefined();
  });

  it("reseals only a row still at the version and key it was read with, leaving its version and updated_at", async () => {
    const inserted = (await store.insert(secret("OLD", "a")))!;
    expect(await store.reseal("default", "OLD", 1, "b", sealed("c"))).toBe(false); // not sealed with b
    expect(await store.reseal("default", "OLD", 2, "a", sealed("c"))).toBe(false); // not at version 2
    expect(await store.reseal("default", "OLD", 1, "a", sealed("c"))).toBe(true);
    const row = await store.get("default", "OLD");
    expect(row).toMatchObject({ keyId: "c", rowVersion: 1 });
    expect(row?.updatedAt.getTime()).toBe(inserted.updatedAt.getTime());
  });

  it("keeps one name per workspace: the same name in two workspaces is two secrets", async () => {
    await store.insert(secret("SAME", "k1", "team-a"));
    expect(await store.insert(secret("SAME", "k1", "team-b"))).toBeDefined();
    expect(await store.get("default", "SAME")).toBeUndefined();
    expect((await store.listPage("team-a", "", 10)).items.map((s) => s.workspace)).toEqual(["team-a"]);
    expect(await store.delete("team-a", "SAME")).toBe(true);
    expect(await store.get("team-b", "SAME")).toBeDefined();
  });

  it("deletes unconditionally or only at a row version, saying whether a row went", async () => {
    await store.insert(secret("A"));
    await store.insert(secret("B"));
    expect(await store.delete("default", "A", 7)).toBe(false);
    expect(await store.delete("default", "A", 1)).toBe(true);
    expect(await store.delete("default", "A")).toBe(false);
    expect(await store.delete("default", "B")).toBe(true);
  });

  it("lists pages in byte order of the names, with opaque tokens", async () => {
    for (const name of ["b", "B", "_x", "a1", "A2"]) await store.insert(secret(name));
    const first = await store.listPage("default", "", 2);
    expect(first.items.map((s) => s.name)).toEqual(["A2", "B"]);
    const second = await store.listPage("default", first.nextPageToken, 2);
    expect(second.items.map((s) => s.name)).toEqual(["_x", "a1"]);
    const last = await store.listPage("default", second.nextPageToken, 2);
    expect(last.items.map((s) => s.name)).toEqual(["b"]);
    expect(last.nextPageToken).toBe("");
    await expect(store.listPage("default", "garbage!", 2)).rejects.toMatchObject({
      kind: "invalid_argument",
    });
  });

  it("finds several by name and the rows sealed with another key, in name order after a position", async () => {
    for (const [name, key] of [
      ["S1", "old"],
      ["S2", "new"],
      ["S3", "older"],
      ["S4", "old"],
    ] as const) {
      await store.insert(secret(name, key));
    }
    expect((await store.getMany("default", ["S1", "S3", "NOPE"])).map((s) => s.name).sort()).toEqual([
      "S1",
      "S3",
    ]);
    expect(await store.getMany("default", [])).toEqual([]);
    expect((await store.listSealedWithOtherKey("new", undefined, 10)).map((s) => s.name)).toEqual([
      "S1",
      "S3",
      "S4",
    ]);
    expect((await store.listSealedWithOtherKey("new", ["default", "S1"], 1)).map((s) => s.name)).toEqual([
      "S3",
    ]);
  });
});
