import { ApiKeyStore, openDatabase } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import { DEFAULT_WORKSPACE, EVERY_WORKSPACE, generateApiKey } from "@mcp/runtime";

/** The name of the key `npm start` makes for the services' calls to each other. */
export const START_SERVICE_KEY_NAME = "npm-start-services";

/**
 * With authentication on, the services need a key for the reads they make of each other (every read
 * needs `viewer`, docs/adr/022). When SERVICE_API_KEY is unset, makes a new `viewer` key of every workspace named
 * {@link START_SERVICE_KEY_NAME} (revoking the previous start's, whose secret is gone) and sets
 * `env.SERVICE_API_KEY`; says what it did (never the key).
 */
export async function ensureServiceKey(
  env: NodeJS.ProcessEnv,
  databaseUrl: string,
  say: (message: string) => void,
): Promise<void> {
  if (env["SERVICE_API_KEY"]?.trim()) return;
  const { dataSource } = await openDatabase({ url: databaseUrl, poolSize: 2 });
  try {
    const store = new ApiKeyStore(dataSource);
    // this start's key acts in every workspace; an older start made it in `default`
    for (const workspace of [EVERY_WORKSPACE, DEFAULT_WORKSPACE]) {
      await store.revoke(START_SERVICE_KEY_NAME, workspace).catch((err: unknown) => {
        if (!(err instanceof NotFoundError)) throw err;
      });
    }
    const key = generateApiKey();
    await store.create({
      id: key.id,
      name: START_SERVICE_KEY_NAME,
      secretHash: key.secretHash,
      role: "viewer",
      workspace: EVERY_WORKSPACE,
    });
    env["SERVICE_API_KEY"] = key.token;
  } finally {
    await dataSource.destroy();
  }
  say(
    `authentication on and no SERVICE_API_KEY: created the viewer key "${START_SERVICE_KEY_NAME}" for the services' calls to each other`,
  );
}
