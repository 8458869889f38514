import type { MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import type {
  PutSecretRequestSchema,
  PutSecretResponse,
  RotateSecretsKeyResponse,
  Secret,
} from "@mcp/proto/executor";
import { errorDetails } from "@mcp/proto/grpc";

/** What the secret form sends besides the value: a new secret, or a new value of a listed one. */
export interface SecretDraft {
  readonly name: string;
  readonly description: string;
  /** The listed secret whose value is being set; undefined for "New secret". */
  readonly existing?: Secret;
}

/**
 * PutSecret's request. The value goes as typed (spaces and all). A new secret's empty description is
 * left unset, so naming an existing secret there keeps its description; setting a listed secret's
 * value sends the description as edited (pre-filled with the current one) and the etag it was listed
 * with, so a change made meanwhile by someone else fails with ABORTED instead of being overwritten.
 */
export function putSecretRequest(
  draft: SecretDraft,
  value: string,
): MessageInitShape<typeof PutSecretRequestSchema> {
  const description = draft.description.trim();
  if (draft.existing !== undefined) {
    return { name: draft.existing.name, value, description, etag: draft.existing.etag };
  }
  return description === ""
    ? { name: draft.name.trim(), value }
    : { name: draft.name.trim(), value, description };
}

/** The status line after PutSecret: created, or which value version the secret is at now. */
export function putOutcome(res: PutSecretResponse): string {
  const s = res.secret;
  if (s === undefined) return "Saved.";
  return res.created
    ? `Created secret ${s.name} (value version ${s.valueVersion}).`
    : `Set a new value of ${s.name}: value version ${s.valueVersion}.`;
}

/** The status line after RotateSecretsKey. */
export function rotateOutcome(res: RotateSecretsKeyResponse): string {
  const n = res.reencrypted;
  return `Re-encrypted ${n} secret${n === 1 ? "" : "s"}; every secret is now sealed with key ${res.keyId}.`;
}

/** The reason (google.rpc.ErrorInfo) of FAILED_PRECONDITION when the executor has no SECRETS_KEY. */
export const SECRETS_NOT_CONFIGURED = "SECRETS_NOT_CONFIGURED";

/**
 * What to do about an error of the secrets store, beyond what the service said: it needs an admin key
 * for every call (reads included), and a SECRETS_KEY on the executor. Undefined for other errors.
 */
export function secretsErrorHint(err: unknown): string | undefined {
  if (!(err instanceof ConnectError)) return undefined;
  switch (err.code) {
    case Code.PermissionDenied:
    case Code.Unauthenticated:
      return "Every call of the secrets store, listing included, needs an API key with the admin role: save one in Settings.";
    case Code.FailedPrecondition:
      return err.findDetails(errorDetails.ErrorInfoSchema).some((i) => i.reason === SECRETS_NOT_CONFIGURED)
        ? "The executor was started without SECRETS_KEY (a random 32-byte key, e.g. `openssl rand -base64 32`); restart it with one to use the secrets store."
        : undefined;
    default:
      return undefined;
  }
}
