import { randomBytes } from "node:crypto";
import { openDatabase, SecretStore, type DataSource } from "@mcp/db";
import { createTestDatabase, type TestDatabase } from "@mcp/db/testing";
import { ConflictError, FailedPreconditionError, NotFoundError } from "@mcp/errors";
import { parseSecretsKeyring } from "./keyring.js";
import { SecretUnavailableError } from "./errors.js";
import { SecretVault } from "./secret-vault.js";

const keyA = randomBytes(32).toString("base64");
const keyB = randomBytes(32).toString("base64");
const keyC = randomBytes(32).toString("base64");
const put = (
  name: string,
  value: string,
  more: { description?: string; etag?: string; by?: string; workspace?: string } = {},
) => ({
  workspace: more.workspace ?? "default",
  name,
  value,
  description: more.description,
  etag: more.etag ?? "",
  by: more.by,
});

describe("SecretVault", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let store: SecretStore;
  const vault = (keys: string | undefined) =>
    new SecretVault(store, keys === undefined ? undefined : parseSecretsKeyring(keys));

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ dataSource } = await openDatabase({ url: db.url, poolSize: 4 }));
    store = new SecretStore(dataSource);
  });
  afterAll(async () => {
    await dataSource.destroy();
    await db.drop();
  });
  afterEach(async () => {
    await dataSource.query("DELETE FROM secrets");
  });

  it("a secret of one workspace is neither read, listed nor revealed in another", async () => {
    const v = vault(`a:${keyA}`);
    await v.put(put("SHARED", "team-a value", { workspace: "team-a" }));
    await v.put(put("SHARED", "team-b value", { workspace: "team-b" }));
    expect(await v.reveal("team-a", ["SHARED"])).toEqual(new Map([["SHARED", "team-a value"]]));
    expect(await v.reveal("team-b", ["SHARED"])).toEqual(new Map([["SHARED", "team-b value"]]));
    await expect(v.get("default", "SHARED")).rejects.toBeInstanceOf(NotFoundError);
    await expect(v.reveal("default", ["SHARED"])).rejects.toBeInstanceOf(SecretUnavailableError);
    expect((await v.list("team-a", "", 10)).secrets.map((s) => s.name)).toEqual(["SHARED"]);
    await v.delete("team-a", "SHARED", "");
    expect(await v.reveal("team-b", ["SHARED"])).toEqual(new Map([["SHARED", "team-b value"]]));
  });

  it("put creates at value version 1, then each put sets a new value version and keeps an unset description", async () => {
    const v = vault(`a:${keyA}`);
    const first = await v.put(put("TOKEN", "one", { description: "the token", by: "ops" }));
    expect(first.created).toBe(true);
    expect(first.secret).toMatchObject({
      name: "TOKEN",
      valueVersion: 1,
      keyId: "a",
      description: "the token",
      createdBy: "ops",
      updatedBy: "ops",
    });
    const second = await v.put(put("TOKEN", "two", { by: "ci" }));
    expect(second.created).toBe(false);
    expect(second.secret).toMatchObject({
      valueVersion: 2,
      description: "the token",
      createdBy: "ops",
      updatedBy: "ci",
    });
    expect(second.secret.etag).not.toBe(first.secret.etag);
    const third = await v.put(put("TOKEN", "three", { description: "" }));
    expect(third.secret).toMatchObject({ valueVersion: 3, description: "", updatedBy: null });
    expect(await v.reveal("default", ["TOKEN"])).toEqual(new Map([["TOKEN", "three"]]));
    expect(JSON.stringify(third)).not.toContain("three");
  });

  it("put with the current etag succeeds; with a stale one is a ConflictError and changes nothing; on a missing secret NOT_FOUND", async () => {
    const v = vault(`a:${keyA}`);
    const created = await v.put(put("S", "one"));
    const updated = await v.put(put("S", "two", { etag: created.secret.etag }));
    await expect(v.put(put("S", "three", { etag: created.secret.etag }))).rejects.toBeInstanceOf(
      ConflictError,
    );
    expect(await v.get("default", "S")).toEqual(updated.secret);
    expect(await v.reveal("default", ["S"])).toEqual(new Map([["S", "two"]]));
    await expect(v.put(put("NEW", "x", { etag: "r1" }))).rejects.toBeInstanceOf(NotFoundError);
    await expect(v.get("default", "NEW")).rejects.toBeInstanceOf(NotFoundError);
  });

  it("concurrent puts without an etag all land, one after another", async () => {
    const v = vault(`a:${keyA}`);
    const results = await Promise.all(Array.from({ length: 8 }, (_, i) => v.put(put("RACE", `v${i}`))));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect((await v.get("default", "RACE")).valueVersion).toBe(8);
  });

  it("lists metadata by name across pages", async () => {
    const v = vault(`a:${keyA}`);
    for (const name of ["C", "A", "B"]) await v.put(put(name, `value-${name}`));
    const first = await v.list("default", "", 2);
    expect(first.secrets.map((s) => s.name)).toEqual(["A", "B"]);
    const rest = await v.list("default", first.nextPageToken, 2);
    expect(rest).toMatchObject({ secrets: [{ name: "C" }], nextPageToken: "" });
    expect(JSON.stringify([first, rest])).not.toContain("value-");
  });

  it("delete removes it; NOT_FOUND when missing; a stale etag is a ConflictError", async () => {
    const v = vault(`a:${keyA}`);
    const created = await v.put(put("GONE", "x"));
    await v.put(put("GONE", "y"));
    await expect(v.delete("default", "GONE", created.secret.etag)).rejects.toBeInstanceOf(ConflictError);
    await v.delete("default", "GONE", (await v.get("default", "GONE")).etag);
    await expect(v.get("default", "GONE")).rejects.toBeInstanceOf(NotFoundError);
    await expect(v.delete("default", "GONE", "")).rejects.toBeInstanceOf(NotFoundError);
    await v.put(put("GONE", "z"));
    await v.delete("default", "GONE", "");
    await expect(v.reveal("default", ["GONE"])).rejects.toMatchObject({
      secretName: "GONE",
      problem: "not_found",
    });
  });

  it("rotateKey re-encrypts what an older key sealed, idempotently, so the old key can be dropped", async () => {
    const before = vault(`a:${keyA}`);
    for (const name of ["R1", "R2", "R3"]) await before.put(put(name, `secret-${name}`));
    const etag = (await before.get("default", "R1")).etag;
    const rotating = vault(`b:${keyB},a:${keyA}`);
    expect(await rotating.rotateKey()).toEqual({ keyId: "b", reencrypted: 3 });
    expect(await rotating.rotateKey()).toEqual({ keyId: "b", reencrypted: 0 });
    const after = vault(`b:${keyB}`);
    expect(await after.reveal("default", ["R1", "R2", "R3"])).toEqual(
      new Map([
        ["R1", "secret-R1"],
        ["R2", "secret-R2"],
        ["R3", "secret-R3"],
      ]),
    );
    // neither the value nor the description changed: same etag and value version
    expect(await after.get("default", "R1")).toMatchObject({ keyId: "b", etag, valueVersion: 1 });
  });

  it("rotateKey re-encrypts what it can, then names the secrets whose key SECRETS_KEY lacks", async () => {
    await vault(`a:${keyA}`).put(put("FROM_A", "1"));
    await vault(`c:${keyC}`).put(put("FROM_C", "2"));
    const rotating = vault(`b:${keyB},a:${keyA}`);
    const err = (await rotating.rotateKey().catch((e: unknown) => e)) as FailedPreconditionError;
    expect(err).toBeInstanceOf(FailedPreconditionError);
    expect(err.reason).toBe("SECRETS_KEY_MISSING");
    expect(err.message).toContain('re-encrypted 1 secret(s) with key "b", but 1 cannot be decrypted');
    expect(err.message).toContain('"FROM_C" (sealed with key id "c", which SECRETS_KEY does not contain)');
    expect((await rotating.get("default", "FROM_A")).keyId).toBe("b");
  });

  it("reveal returns exactly the named values and names the first unavailable secret and why, never a value", async () => {
    const v = vault(`a:${keyA}`);
    await v.put(put("ONE", "value-one"));
    await v.put(put("TWO", "value-two"));
    await v.put(put("THREE", "value-three"));
    expect(await v.reveal("default", ["TWO", "ONE", "TWO"])).toEqual(
      new Map([
        ["TWO", "value-two"],
        ["ONE", "value-one"],
      ]),
    );
    expect(await v.reveal("default", [])).toEqual(new Map());

    const missing = await v.reveal("default", ["ONE", "NOPE"]).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(SecretUnavailableError);
    expect(missing).toMatchObject({
      secretName: "NOPE",
      problem: "not_found",
      reason: "SECRET_UNAVAILABLE",
      kind: "failed_precondition",
    });
    expect((missing as Error).message).toBe(
      'secret "NOPE" is unavailable: it does not exist (create it with `mcp secret set NAME`)',
    );

    const unknown = (await vault(`b:${keyB}`)
      .reveal("default", ["ONE"])
      .catch((e: unknown) => e)) as SecretUnavailableError;
    expect(unknown).toMatchObject({ secretName: "ONE", problem: "key_unknown", keyId: "a" });
    expect(unknown.message).toContain(
      'sealed with key id "a", which this executor\'s SECRETS_KEY does not contain',
    );

    const wrong = (await vault(`a:${keyB}`)
      .reveal("default", ["ONE"])
      .catch((e: unknown) => e)) as SecretUnavailableError;
    expect(wrong).toMatchObject({ secretName: "ONE", problem: "undecryptable" });

    // a ciphertext moved to another row does not open there
    await dataSource.query(
      "UPDATE secrets SET nonce = o.nonce, ciphertext = o.ciphertext FROM secrets o WHERE secrets.name = 'TWO' AND o.name = 'THREE'",
    );
    await expect(v.reveal("default", ["TWO"])).rejects.toMatchObject({
      secretName: "TWO",
      problem: "undecryptable",
    });

    for (const err of [missing, unknown, wrong]) expect((err as Error).message).not.toMatch(/value-/);
  });

  it("without SECRETS_KEY every call is FAILED_PRECONDITION and reveal names the missing key", async () => {
    await vault(`a:${keyA}`).put(put("THERE", "x"));
    const off = vault(undefined);
    expect(off.configured).toBe(false);
    for (const call of [
      () => off.put(put("X", "y")),
      () => off.get("default", "THERE"),
      () => off.list("default", "", 0),
      () => off.delete("default", "THERE", ""),
      () => off.rotateKey(),
    ]) {
      await expect(call()).rejects.toMatchObject({
        kind: "failed_precondition",
        reason: "SECRETS_NOT_CONFIGURED",
        message: "the secrets store is not configured: set SECRETS_KEY on the executor (see .env.example)",
      });
    }
    await expect(off.reveal("default", ["THERE"])).rejects.toMatchObject({
      secretName: "THERE",
      problem: "not_configured",
      message: 'secret "THERE" is unavailable: the executor has no SECRETS_KEY (see .env.example)',
    });
    expect(await off.reveal("default", [])).toEqual(new Map());
    expect(await vault(`a:${keyA}`).reveal("default", ["THERE"])).toEqual(new Map([["THERE", "x"]]));
  });
});
