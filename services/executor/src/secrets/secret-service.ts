import { create } from "@bufbuild/protobuf";
import type { HandlerContext, ServiceImpl } from "@connectrpc/connect";
import {
  DeleteSecretResponseSchema,
  GetSecretResponseSchema,
  ListSecretsResponseSchema,
  PutSecretResponseSchema,
  RotateSecretsKeyResponseSchema,
  type SecretService,
} from "@mcp/proto/executor";
import { callInfoKey, callWorkspace } from "@mcp/runtime";
import { toSecret } from "./mapping.js";
import type { SecretVault } from "./secret-vault.js";

/** Who calls (the API key's name), when API keys are on. */
const principal = (ctx: HandlerContext) => ctx.values.get(callInfoKey)?.principal;

/**
 * SecretService over the vault. Requests arrive validated and authorised (`admin`, every method);
 * handlers only translate. No response carries a value.
 */
export function secretService(
  vault: SecretVault,
  /** Re-seals the other values sealed under SECRETS_KEY (webhook triggers' secrets); returns how many. */
  resealOthers: () => Promise<number> = () => Promise.resolve(0),
): ServiceImpl<typeof SecretService> {
  return {
    async putSecret(req, ctx) {
      const { secret, created } = await vault.put({
        workspace: callWorkspace(ctx),
        name: req.name,
        value: req.value,
        description: req.description,
        etag: req.etag,
        by: principal(ctx),
      });
      return create(PutSecretResponseSchema, { secret: toSecret(secret), created });
    },

    async getSecret(req, ctx) {
      return create(GetSecretResponseSchema, {
        secret: toSecret(await vault.get(callWorkspace(ctx), req.name)),
      });
    },

    async listSecrets(req, ctx) {
      const page = await vault.list(callWorkspace(ctx), req.pageToken, req.pageSize);
      return create(ListSecretsResponseSchema, {
        secrets: page.secrets.map(toSecret),
        nextPageToken: page.nextPageToken,
      });
    },

    async deleteSecret(req, ctx) {
      await vault.delete(callWorkspace(ctx), req.name, req.etag);
      return create(DeleteSecretResponseSchema, {});
    },

    async rotateSecretsKey() {
      const rotated = await vault.rotateKey();
      const others = await resealOthers();
      return create(RotateSecretsKeyResponseSchema, {
        keyId: rotated.keyId,
        reencrypted: rotated.reencrypted + others,
      });
    },
  };
}
