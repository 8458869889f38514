import { randomBytes } from "node:crypto";
import { toBinary, toJson, type DescMessage, type MessageShape } from "@bufbuild/protobuf";
import { Code, createClient, type Client } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import type { TestDatabase } from "@mcp/db/testing";
import { createMigratedTestDatabase } from "../support/database";
import { startExecutor, type ExecutorApp } from "@mcp/executor/app";
import {
  GetSecretResponseSchema,
  ListSecretsResponseSchema,
  PutSecretResponseSchema,
  RotateSecretsKeyResponseSchema,
  SecretService,
} from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";
import { createLogger, generateApiKey, reasonOf, type Role } from "@mcp/runtime";
import { Client as PgClient } from "pg";
import { expectCode } from "../support/errors";
import type { LogRecord } from "../support/logged-executor";
import { executorEnv } from "../support/platform";
import { derivedKeyId, loadExecutorConfig } from "@mcp/executor/config";

const keyA = randomBytes(32);
const keyB = randomBytes(32);
const idA = derivedKeyId(keyA);
const idB = derivedKeyId(keyB);
/** Every secret value this suite writes: none may appear in a response, a log line or a table. */
const values: string[] = [];
const newValue = (label: string) => {
  const value = `${label}-${randomBytes(12).toString("hex")}`;
  values.push(value);
  return value;
};
const bearer = (key: string) => ({ headers: { authorization: `Bearer ${key}` } });

/** Fails when the message, as protobuf binary or JSON, carries any value of this suite. */
function expectNoValue<Desc extends DescMessage>(schema: Desc, message: MessageShape<Desc>): void {
  const binary = Buffer.from(toBinary(schema, message));
  const json = JSON.stringify(toJson(schema, message));
  for (const value of values) {
    expect(binary.includes(Buffer.from(value))).toBe(false);
    expect(json).not.toContain(value);
  }
}

describe("SecretService with API keys on", () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  const executors: ExecutorApp[] = [];
  const logs: LogRecord[] = [];
  let admin: string;
  let adminName: string;
  let writer: string;
  /** The executor sealing with key A. */
  let secrets: Client<typeof SecretService>;
  let vaultA: ExecutorApp["secrets"];

  /** An executor on the suite's database with API keys on, logging at debug into `logs`. */
  async function executor(secretsKey: string | undefined): Promise<ExecutorApp> {
    const env = executorEnv(db, "http://127.0.0.1:9", "http://127.0.0.1:9", {
      AUTH_ENABLED: "true",
      AUTH_CACHE_MS: "300",
      ...(secretsKey === undefined ? {} : { SECRETS_KEY: secretsKey }),
    });
    const destination = { write: (line: string) => void logs.push(JSON.parse(line) as LogRecord) };
    const app = await startExecutor(
      loadExecutorConfig(env),
      createLogger({ service: "executor", level: "debug", destination }),
    );
    executors.push(app);
    return app;
  }
  const clientOf = (app: ExecutorApp) =>
    createClient(SecretService, createGrpcTransport({ baseUrl: app.server.url }));

  async function createKey(name: string, role: Role): Promise<string> {
    const key = generateApiKey();
    await new ApiKeyStore(dataSource).create({ id: key.id, name, secretHash: key.secretHash, role });
    return key.token;
  }

  beforeAll(async () => {
    db = await createMigratedTestDatabase();
    dataSource = (await openDatabase({ url: db.url, poolSize: 2 })).dataSource;
    adminName = `admin-${randomBytes(3).toString("hex")}`;
    admin = await createKey(adminName, "admin");
    writer = await createKey("writer", "editor");
    const a = await executor(keyA.toString("base64"));
    secrets = clientOf(a);
    vaultA = a.secrets;
  });
  afterAll(async () => {
    for (const app of executors) await app.stop();
    await dataSource?.destroy();
    await db?.drop();
  });

  it("PutSecret, GetSecret, ListSecrets, DeleteSecret › work with an admin key and never answer a value", async () => {
    const first = newValue("first");
    const created = await secrets.putSecret(
      { name: "OPENAI_API_KEY", value: first, description: "the team's key" },
      bearer(admin),
    );
    expect(created.created).toBe(true);
    expect(created.secret).toMatchObject({
      name: "OPENAI_API_KEY",
      description: "the team's key",
      valueVersion: 1,
      keyId: idA,
      createdBy: adminName,
      updatedBy: adminName,
    });
    const updated = await secrets.putSecret(
      { name: "OPENAI_API_KEY", value: newValue("second") },
      bearer(admin),
    );
    expect(updated.created).toBe(false);
    expect(updated.secret).toMatchObject({ valueVersion: 2, description: "the team's key" });
    expect(updated.secret?.etag).not.toBe(created.secret?.etag);

    const got = await secrets.getSecret({ name: "OPENAI_API_KEY" }, bearer(admin));
    expect(got.secret).toEqual(updated.secret);
    const listed = await secrets.listSecrets({}, bearer(admin));
    expect(listed.secrets.map((s) => s.name)).toContain("OPENAI_API_KEY");
    for (const [schema, message] of [
      [PutSecretResponseSchema, created],
      [PutSecretResponseSchema, updated],
      [GetSecretResponseSchema, got],
      [ListSecretsResponseSchema, listed],
    ] as const) {
      expectNoValue(schema as DescMessage, message);
    }
    expect(await vaultA.reveal("default", ["OPENAI_API_KEY"])).toEqual(
      new Map([["OPENAI_API_KEY", values.at(-1)]]),
    );

    await secrets.deleteSecret({ name: "OPENAI_API_KEY", etag: updated.secret!.etag }, bearer(admin));
    const gone = await expectCode(
      secrets.getSecret({ name: "OPENAI_API_KEY" }, bearer(admin)),
      Code.NotFound,
    );
    expect(gone.rawMessage).toBe('secret "OPENAI_API_KEY" not found');
    await expectCode(secrets.deleteSecret({ name: "OPENAI_API_KEY" }, bearer(admin)), Code.NotFound);
  });

  it("every method is PERMISSION_DENIED for a write+execute key (ListSecrets and GetSecret included) and UNAUTHENTICATED without a key", async () => {
    await secrets.putSecret({ name: "GUARDED", value: newValue("guarded") }, bearer(admin));
    const calls = {
      PutSecret: (o?: object) => secrets.putSecret({ name: "GUARDED", value: "other" }, o),
      GetSecret: (o?: object) => secrets.getSecret({ name: "GUARDED" }, o),
      ListSecrets: (o?: object) => secrets.listSecrets({}, o),
      DeleteSecret: (o?: object) => secrets.deleteSecret({ name: "GUARDED" }, o),
      RotateSecretsKey: (o?: object) => secrets.rotateSecretsKey({}, o),
    };
    for (const [method, call] of Object.entries(calls)) {
      const denied = await expectCode(call(bearer(writer)), Code.PermissionDenied);
      expect(denied.rawMessage).toBe(
        `${method} needs the "admin" role in workspace "default"; API key "writer" has "editor"`,
      );
      const anonymous = await expectCode(call(), Code.Unauthenticated);
      expect(anonymous.rawMessage).toContain(`${method} needs a credential`);
    }
    // nothing changed
    expect((await secrets.getSecret({ name: "GUARDED" }, bearer(admin))).secret?.valueVersion).toBe(1);
  });

  it("stores only ciphertext: no column of the table holds a value's bytes", async () => {
    const value = newValue("at-rest");
    await secrets.putSecret({ name: "AT_REST", value }, bearer(admin));
    const pg = new PgClient({ connectionString: db.url });
    await pg.connect();
    try {
      const rows = (await pg.query("SELECT * FROM secrets")).rows as Record<string, unknown>[];
      const row = rows.find((r) => r["name"] === "AT_REST");
      expect(row?.["key_id"]).toBe(idA);
      expect((row?.["nonce"] as Buffer).length).toBe(12);
      expect((row?.["ciphertext"] as Buffer).length).toBe(Buffer.byteLength(value) + 16);
      const dump = (await pg.query("SELECT string_agg(s::text, '\n') AS t FROM secrets s")).rows[0] as {
        t: string;
      };
      for (const v of values) {
        expect(dump.t).not.toContain(v);
        expect(dump.t).not.toContain(Buffer.from(v).toString("hex"));
        for (const r of rows) {
          for (const cell of Object.values(r)) {
            const bytes = Buffer.isBuffer(cell) ? cell : Buffer.from(String(cell));
            expect(bytes.includes(Buffer.from(v))).toBe(false);
          }
        }
      }
    } finally {
      await pg.end();
    }
  });

  it("PutSecret › ABORTED with a stale etag, keeping the current value", async () => {
    const kept = newValue("kept");
    const first = await secrets.putSecret({ name: "CAS", value: newValue("cas-1") }, bearer(admin));
    await secrets.putSecret({ name: "CAS", value: kept, etag: first.secret!.etag }, bearer(admin));
    const stale = await expectCode(
      secrets.putSecret({ name: "CAS", value: newValue("cas-3"), etag: first.secret!.etag }, bearer(admin)),
      Code.Aborted,
    );
    expect(reasonOf(stale)).toBe("ETAG_MISMATCH");
    expect(stale.rawMessage).toContain(`etag "${first.secret!.etag}" is stale`);
    expect(await vaultA.reveal("default", ["CAS"])).toEqual(new Map([["CAS", kept]]));
    await expectCode(
      secrets.deleteSecret({ name: "CAS", etag: first.secret!.etag }, bearer(admin)),
      Code.Aborted,
    );
    await expectCode(
      secrets.putSecret({ name: "NO_SUCH", value: "x", etag: "r1" }, bearer(admin)),
      Code.NotFound,
    );
  });

  it("PutSecret › INVALID_ARGUMENT with field violations for a reserved name and a NUL, writing nothing", async () => {
    const value = newValue("refused");
    const err = await expectCode(
      secrets.putSecret({ name: "LD_PRELOAD", value: `${value}\u0000` }, bearer(admin)),
      Code.InvalidArgument,
    );
    const fields = err.findDetails(errorDetails.BadRequestSchema)[0]?.fieldViolations ?? [];
    expect(fields.map((f) => f.field)).toEqual(["name", "value"]);
    expect(fields[0]?.description).toContain('names starting with "LD_" are reserved');
    expect(err.rawMessage).not.toContain(value);
    await expectCode(secrets.getSecret({ name: "LD_PRELOAD" }, bearer(admin)), Code.NotFound);
    await expectCode(secrets.listSecrets({ pageSize: 501 }, bearer(admin)), Code.InvalidArgument);
  });

  it("PutSecret and ListSecrets › FAILED_PRECONDITION on an executor without SECRETS_KEY", async () => {
    const bare = clientOf(await executor(undefined));
    // one call at a time: a second call made up front could fail before anything awaits it
    for (const call of [
      () => bare.putSecret({ name: "ANY", value: newValue("no-key") }, bearer(admin)),
      () => bare.listSecrets({}, bearer(admin)),
    ]) {
      const err = await expectCode(call(), Code.FailedPrecondition);
      expect(err.rawMessage).toBe(
        "the secrets store is not configured: set SECRETS_KEY on the executor (see .env.example)",
      );
      expect(reasonOf(err)).toBe("SECRETS_NOT_CONFIGURED");
    }
  });

  it('RotateSecretsKey › from key A to "B,A" re-encrypts every secret; an executor with only B then reveals them', async () => {
    const one = newValue("rotate-1");
    const two = newValue("rotate-2");
    await secrets.putSecret({ name: "ROT_ONE", value: one }, bearer(admin));
    await secrets.putSecret({ name: "ROT_TWO", value: two }, bearer(admin));
    const counted = await dataSource.query<{ n: number }[]>(
      "SELECT count(*)::int AS n FROM secrets WHERE key_id = $1",
      [idA],
    );
    const sealedWithA = counted[0]?.n ?? 0;
    expect(sealedWithA).toBeGreaterThanOrEqual(2);

    const rotating = clientOf(await executor(`${keyB.toString("base64")},${keyA.toString("hex")}`));
    const rotated = await rotating.rotateSecretsKey({}, bearer(admin));
    expect(rotated).toMatchObject({ keyId: idB, reencrypted: sealedWithA });
    expectNoValue(RotateSecretsKeyResponseSchema, rotated);
    expect((await rotating.rotateSecretsKey({}, bearer(admin))).reencrypted).toBe(0);
    expect((await rotating.getSecret({ name: "ROT_ONE" }, bearer(admin))).secret?.keyId).toBe(idB);

    const onlyB = await executor(keyB.toString("base64"));
    expect(await onlyB.secrets.reveal("default", ["ROT_ONE", "ROT_TWO"])).toEqual(
      new Map([
        ["ROT_ONE", one],
        ["ROT_TWO", two],
      ]),
    );
    // the executor still on key A alone can no longer open them, and says which key is missing
    await expect(vaultA.reveal("default", ["ROT_ONE"])).rejects.toMatchObject({
      secretName: "ROT_ONE",
      problem: "key_unknown",
      message: expect.stringContaining(`sealed with key id "${idB}"`) as string,
    });
  });

  it("no executor logged a secret value or the keys", () => {
    expect(logs.length).toBeGreaterThan(10);
    expect(
      logs.some((r) => r.msg === "call" && r["method"] === "mcp.executor.v1.SecretService/PutSecret"),
    ).toBe(true);
    const text = logs.map((r) => JSON.stringify(r)).join("\n");
    for (const v of values) expect(text).not.toContain(v);
    for (const key of [keyA, keyB]) {
      expect(text).not.toContain(key.toString("base64"));
      expect(text).not.toContain(key.toString("hex"));
    }
    expect(text).toContain(`"secretsKeyIds":["${idB}","${idA}"]`);
  });
});
