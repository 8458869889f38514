import { FailedPreconditionError } from "@mcp/errors";
import type { OpenFailure } from "./sealed-value.js";

/** Why {@link SecretUnavailableError} was thrown. */
export type SecretProblem =
  /** No secret has the name. */
  | "not_found"
  /** The executor has no SECRETS_KEY. */
  | "not_configured"
  | OpenFailure;

const DETAIL: Record<SecretProblem, (keyId: string) => string> = {
  not_found: () => "it does not exist (create it with `mcp secret set NAME`)",
  not_configured: () => "the executor has no SECRETS_KEY (see .env.example)",
  key_unknown: (keyId) =>
    `it cannot be decrypted with the configured keys: it is sealed with key id "${keyId}", which this executor's SECRETS_KEY does not contain`,
  undecryptable: (keyId) =>
    `it cannot be decrypted with the configured keys: the key SECRETS_KEY has under id "${keyId}" does not open it (a different key under that id, or the stored value was altered)`,
};

/**
 * A secret a step names cannot be handed to it: it does not exist, its value cannot be decrypted with
 * this executor's keys, or the executor has no SECRETS_KEY. Thrown by `SecretVault.reveal`. The message
 * names the secret and why, never its value. Maps to FAILED_PRECONDITION, reason `SECRET_UNAVAILABLE`.
 */
export class SecretUnavailableError extends FailedPreconditionError {
  constructor(
    /** The secret's name. */
    readonly secretName: string,
    readonly problem: SecretProblem,
    /** The key id the stored value is sealed with (for `key_unknown` and `undecryptable`). */
    readonly keyId = "",
  ) {
    super(`secret "${secretName}" is unavailable: ${DETAIL[problem](keyId)}`, "SECRET_UNAVAILABLE", {
      secret: secretName,
      problem,
      ...(keyId ? { key_id: keyId } : {}),
    });
  }
}

/** The executor has no SECRETS_KEY: every SecretService call fails with this. */
export function secretsNotConfigured(): FailedPreconditionError {
  return new FailedPreconditionError(
    "the secrets store is not configured: set SECRETS_KEY on the executor (see .env.example)",
    "SECRETS_NOT_CONFIGURED",
  );
}
