import { randomBytes } from "node:crypto";
import { ApiKeyStore, openDatabase, type DataSource } from "@mcp/db";
import { ROLES, generateApiKey, type Role } from "@mcp/runtime";
import { uniqueName } from "../support/mcps";
import { startPlatform, type TestPlatform } from "../support/platform";

/** A platform with authentication on, a viewer service key, secrets on, and one key per role. */
export interface KeyedPlatform {
  readonly p: TestPlatform;
  readonly db: DataSource;
  /** A key of each role, and its name. */
  readonly keys: Readonly<Record<Role, { token: string; name: string }>>;
  stop(): Promise<void>;
}

/** `{ headers: { authorization: "Bearer <token>" } }`. */
export const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

/** Starts the three services with AUTH_ENABLED=true and creates a key of every role. */
export async function startKeyedPlatform(env: Record<string, string> = {}): Promise<KeyedPlatform> {
  const service = generateApiKey();
  const p = await startPlatform({
    env: { AUTH_ENABLED: "true", AUTH_CACHE_MS: "300", SERVICE_API_KEY: service.token, ...env },
    executorEnv: { SECRETS_KEY: randomBytes(32).toString("base64") },
  });
  const db = (await openDatabase({ url: p.db.url, poolSize: 2 })).dataSource;
  const store = new ApiKeyStore(db);
  await store.create({
    id: service.id,
    name: "platform-services",
    secretHash: service.secretHash,
    role: "viewer",
  });
  const keys = {} as Record<Role, { token: string; name: string }>;
  for (const role of ROLES) {
    const key = generateApiKey();
    const name = uniqueName(role);
    await store.create({ id: key.id, name, secretHash: key.secretHash, role });
    keys[role] = { token: key.token, name };
  }
  return {
    p,
    db,
    keys,
    async stop() {
      await db.destroy();
      await p.stop();
    },
  };
}
