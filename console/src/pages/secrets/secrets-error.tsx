import { ErrorView } from "../../components/error-view";
import { secretsErrorHint } from "../../secrets/secrets";

/** An error of the secrets store as the API stated it, then what to do about it (an admin key, SECRETS_KEY). */
export function SecretsError({ error, title }: { error: unknown; title?: string }) {
  return (
    <>
      <ErrorView error={error} title={title} />
      <SecretsErrorHint error={error} />
    </>
  );
}

/** Only the advice, for errors an ErrorView already shows (a paged list's). */
export function SecretsErrorHint({ error }: { error: unknown }) {
  const hint = secretsErrorHint(error);
  return hint === undefined ? null : <p className="hint">{hint}</p>;
}
