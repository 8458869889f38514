import { create } from "@bufbuild/protobuf";
import { ListSecretsResponseSchema, type Secret } from "@mcp/proto/executor";
import { call, type Context } from "../context.js";
import { formatTable, formatTime, messageJson, type OutputFormat } from "../output.js";
import { readSecretValue, type SecretValueSource } from "../secret-value.js";

export const SECRET_HEADERS = ["NAME", "VALUE VERSION", "KEY ID", "UPDATED", "UPDATED BY", "DESCRIPTION"];

/** One row of the secrets table: metadata only (the API never returns a value). */
export function secretRow(s: Secret): string[] {
  return [s.name, `v${s.valueVersion}`, s.keyId, formatTime(s.updateTime), s.updatedBy || "-", s.description];
}

/**
 * `mcp secret set NAME`: creates the secret or gives it a new value, from `--value`, `--from-file` or
 * stdin; `--description` replaces the description (kept when not given). Prints the new value version,
 * never the value.
 */
export async function secretSet(
  ctx: Context,
  name: string,
  opts: SecretValueSource & { description?: string },
): Promise<void> {
  const value = await readSecretValue(name, opts, ctx.io);
  const res = await call(ctx, "executor", () =>
    ctx.clients.secrets.putSecret({ name, value, description: opts.description }),
  );
  const s = res.secret!;
  ctx.io.out(`${res.created ? "created" : "updated"} secret/${s.name} v${s.valueVersion} (key ${s.keyId})`);
}

/** `mcp secret list`: every secret's metadata, pages followed to the end. */
export async function secretList(ctx: Context, opts: { output: OutputFormat }): Promise<void> {
  const secrets: Secret[] = [];
  await call(ctx, "executor", async () => {
    let pageToken = "";
    do {
      const res = await ctx.clients.secrets.listSecrets({ pageSize: 500, pageToken });
      secrets.push(...res.secrets);
      pageToken = res.nextPageToken;
    } while (pageToken !== "");
  });
  if (opts.output === "json") {
    return ctx.io.out(messageJson(ListSecretsResponseSchema, create(ListSecretsResponseSchema, { secrets })));
  }
  ctx.io.out(formatTable(SECRET_HEADERS, secrets.map(secretRow)));
}

/** `mcp secret rm NAME`: deletes it; steps that name it then fail before they start. */
export async function secretRm(ctx: Context, name: string): Promise<void> {
  await call(ctx, "executor", () => ctx.clients.secrets.deleteSecret({ name }));
  ctx.io.out(`deleted secret/${name}`);
}

/** `mcp secret rotate-key`: re-encrypts every secret with the executor's current SECRETS_KEY key. */
export async function secretRotateKey(ctx: Context): Promise<void> {
  const res = await call(ctx, "executor", () => ctx.clients.secrets.rotateSecretsKey({}));
  ctx.io.out(`re-encrypted ${res.reencrypted} secret(s); every secret is now sealed with key ${res.keyId}`);
}
