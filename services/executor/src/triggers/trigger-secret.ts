import { randomBytes } from "node:crypto";
import type { SecretsKeyring } from "../secrets/keyring.js";
import { openValue, sealValue, type Opened, type SealedValue } from "../secrets/sealed-value.js";

/** A new signing secret: 32 random bytes as 64 hex characters (what `openssl rand -hex 32` prints). */
export function newTriggerSecret(): string {
  return randomBytes(32).toString("hex");
}

/**
 * The name the secret is sealed under (the AES-GCM additional data): the trigger's id, in a namespace
 * no secret of the secrets store can have (their names have no `:`), so a sealed value copied between
 * triggers, or from a secret, does not open.
 */
const sealedName = (triggerId: string) => `webhook-trigger:${triggerId}`;

/** Seals a trigger's secret with the keyring's current key (as the secrets store seals its values). */
export function sealTriggerSecret(keyring: SecretsKeyring, triggerId: string, secret: string): SealedValue {
  return sealValue(keyring.current, sealedName(triggerId), secret);
}

/** Opens a trigger's sealed secret with the key that sealed it. */
export function openTriggerSecret(keyring: SecretsKeyring, triggerId: string, sealed: SealedValue): Opened {
  return openValue(keyring, sealedName(triggerId), sealed);
}
