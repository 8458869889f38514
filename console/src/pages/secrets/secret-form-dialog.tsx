import type { PutSecretResponse, Secret } from "@mcp/proto/executor";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useRef, useState, type FormEvent } from "react";
import { useClients } from "../../api/context";
import { Field } from "../../components/field";
import { Modal } from "../../components/modal";
import { putSecretRequest } from "../../secrets/secrets";
import { SecretsError } from "./secrets-error";

/**
 * "New secret" (no `existing`) or "Set value of <name>": name, value, description → PutSecret. The
 * value field is uncontrolled and emptied the moment the form is sent: the value is never React state,
 * nor a mutation variable (which the query cache would keep), and nothing shows it again.
 */
export function SecretFormDialog({
  existing,
  onSaved,
  onClose,
}: {
  existing?: Secret;
  onSaved: (res: PutSecretResponse) => void;
  onClose: () => void;
}) {
  const { secrets } = useClients();
  const queryClient = useQueryClient();
  const titleId = useId();
  const [name, setName] = useState(existing?.name ?? "");
  const [description, setDescription] = useState(existing?.description ?? "");
  const valueRef = useRef<HTMLInputElement>(null);
  const nameRef = useRef<HTMLInputElement>(null);
  /** The value between submit and the call, handed over once. */
  const pendingValue = useRef<string | undefined>(undefined);

  const put = useMutation({
    mutationFn: (draft: { name: string; description: string }) => {
      const value = pendingValue.current ?? "";
      pendingValue.current = undefined;
      return secrets.putSecret(putSecretRequest({ ...draft, existing }, value));
    },
    onSuccess: onSaved,
    // ABORTED (someone else wrote first), NOT_FOUND (deleted meanwhile): show the list as it is now.
    onError: () => void queryClient.invalidateQueries({ queryKey: ["secrets"] }),
  });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const field = valueRef.current;
    if (field === null) return;
    pendingValue.current = field.value;
    field.value = "";
    put.reset();
    put.mutate({ name, description });
  };

  return (
    <Modal labelledBy={titleId} onClose={onClose} initialFocus={existing ? valueRef : nameRef}>
      <h2 id={titleId}>{existing ? `Set value of ${existing.name}` : "New secret"}</h2>
      <form onSubmit={submit} noValidate>
        <Field
          label="Name"
          hint={
            existing ? undefined : (
              <>
                Letters, digits and <code>_</code>, starting with a letter or <code>_</code>; steps see it as
                an environment variable of this name. An existing name gets a new value.
              </>
            )
          }
        >
          {(control) => (
            <input
              {...control}
              ref={nameRef}
              required
              readOnly={existing !== undefined}
              autoComplete="off"
              spellCheck={false}
              value={name}
              onChange={(e) => setName(e.target.value)}
            />
          )}
        </Field>
        <Field
          label="Value"
          hint={
            <>
              Write-only: sent once, then cleared; no page or call shows it again. One line (for a multi-line
              value use <code>mcp secret set NAME --from-file</code>).
            </>
          }
        >
          {(control) => (
            <input
              {...control}
              ref={valueRef}
              type="password"
              required
              autoComplete="new-password"
              spellCheck={false}
              defaultValue=""
            />
          )}
        </Field>
        <Field
          label="Description"
          hint={existing ? undefined : "Optional; left empty, an existing secret keeps its description."}
        >
          {(control) => (
            <input {...control} value={description} onChange={(e) => setDescription(e.target.value)} />
          )}
        </Field>
        {put.isError && <SecretsError error={put.error} title="PutSecret failed" />}
        <div className="actions">
          <button type="submit" className="primary" disabled={put.isPending}>
            {put.isPending ? "Saving…" : "Save secret"}
          </button>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
        </div>
      </form>
    </Modal>
  );
}
