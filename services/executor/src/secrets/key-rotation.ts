import type { SecretEntity } from "@mcp/db";
import { FailedPreconditionError } from "@mcp/errors";
import type { SecretsKeyring } from "./keyring.js";
import { openValue, sealValue, type OpenFailure } from "./sealed-value.js";
import type { SecretRows } from "./secret-vault.js";

/** The outcome of a rotation. */
export interface Rotated {
  /** The current key's id: every secret is sealed with it now. */
  readonly keyId: string;
  /** How many secrets this rotation re-encrypted. */
  readonly reencrypted: number;
}

/** Rows read per batch. */
const BATCH = 100;
/** A row changed under a rotation is re-read and retried this often. */
const MAX_ATTEMPTS = 3;
/** Secrets named in the error when some cannot be decrypted. */
const NAMED = 5;

type Outcome = "resealed" | "skipped" | { failure: OpenFailure; keyId: string };

/**
 * Re-encrypts every secret not sealed with `keyring.current`, batch by batch in name order. Each row
 * is opened with the key that sealed it and sealed anew under the same name, written only if the row
 * is unchanged since it was read (a concurrent put wins; it sealed with a current key anyway). Rows
 * that cannot be opened are left as they are and reported together at the end, after every other row
 * was re-encrypted: FAILED_PRECONDITION naming them and their key ids.
 */
export async function rotateSecrets(rows: SecretRows, keyring: SecretsKeyring): Promise<Rotated> {
  const current = keyring.current;
  let reencrypted = 0;
  const stuck: { name: string; keyId: string; failure: OpenFailure }[] = [];
  let after: readonly [string, string] | undefined;
  for (;;) {
    const batch = await rows.listSealedWithOtherKey(current.id, after, BATCH);
    for (const row of batch) {
      const outcome = await resealOne(rows, keyring, row);
      if (outcome === "resealed") reencrypted++;
      else if (outcome !== "skipped") stuck.push({ name: row.name, ...outcome });
    }
    const last = batch[batch.length - 1];
    if (batch.length < BATCH || last === undefined) break;
    after = [last.workspace, last.name];
  }
  if (stuck.length > 0) throw cannotRotate(current.id, reencrypted, stuck);
  return { keyId: current.id, reencrypted };
}

async function resealOne(rows: SecretRows, keyring: SecretsKeyring, first: SecretEntity): Promise<Outcome> {
  let row: SecretEntity | undefined = first;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    if (!row || row.keyId === keyring.current.id) return "skipped";
    const opened = openValue(keyring, row.name, row);
    if (!opened.ok) return { failure: opened.failure, keyId: row.keyId };
    const sealed = sealValue(keyring.current, row.name, opened.value);
    if (await rows.reseal(row.workspace, row.name, row.rowVersion, row.keyId, sealed)) return "resealed";
    row = await rows.get(row.workspace, row.name);
  }
  return "skipped"; // rewritten on every attempt by puts, which seal with a current key
}

function cannotRotate(
  keyId: string,
  reencrypted: number,
  stuck: readonly { name: string; keyId: string; failure: OpenFailure }[],
): FailedPreconditionError {
  const named = stuck
    .slice(0, NAMED)
    .map((s) =>
      s.failure === "key_unknown"
        ? `"${s.name}" (sealed with key id "${s.keyId}", which SECRETS_KEY does not contain)`
        : `"${s.name}" (the key SECRETS_KEY has under id "${s.keyId}" does not open it)`,
    )
    .join(", ");
  const more = stuck.length > NAMED ? ` and ${stuck.length - NAMED} more` : "";
  return new FailedPreconditionError(
    `re-encrypted ${reencrypted} secret(s) with key "${keyId}", but ${stuck.length} cannot be decrypted with the configured keys: ${named}${more}; ` +
      "add the key they were sealed with after the current one in SECRETS_KEY (id:key) and rotate again, or set those secrets anew",
    "SECRETS_KEY_MISSING",
    { key_id: keyId, reencrypted: String(reencrypted), undecryptable: String(stuck.length) },
  );
}
