import type { Secret } from "@mcp/proto/executor";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { PagedStates } from "../../components/paged-states";
import { putOutcome, rotateOutcome } from "../../secrets/secrets";
import { SecretFormDialog } from "./secret-form-dialog";
import { SecretsError, SecretsErrorHint } from "./secrets-error";
import { SecretsTable } from "./secrets-table";

const PAGE_SIZE = 50;

/** Which form is open: a new secret, or a new value of a listed one. */
type Editing = { readonly existing?: Secret } | undefined;

/**
 * The executor's secrets store: the secrets' metadata (never a value), "New secret" and "Set value"
 * (PutSecret), Delete after a confirmation, and "Re-encrypt with current key" (RotateSecretsKey).
 */
export function SecretsPage() {
  const { secrets } = useClients();
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>();
  const [deleting, setDeleting] = useState<Secret>();
  const [notice, setNotice] = useState<string>();
  const list = usePagedList({
    queryKey: ["secrets"],
    fetchPage: (pageToken, signal) => secrets.listSecrets({ pageSize: PAGE_SIZE, pageToken }, { signal }),
    itemsOf: (page) => page.secrets,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["secrets"] });

  const remove = useMutation({
    mutationFn: (s: Secret) => secrets.deleteSecret({ name: s.name, etag: s.etag }),
    onSuccess: async (_res, s) => {
      setDeleting(undefined);
      setNotice(`Deleted secret ${s.name}.`);
      await refresh();
    },
    onError: () => setDeleting(undefined),
  });
  const rotate = useMutation({
    mutationFn: () => secrets.rotateSecretsKey({}),
    onSuccess: async (res) => {
      setNotice(rotateOutcome(res));
      await refresh();
    },
  });
  /** Starts an action: the previous one's outcome goes. */
  const begin = () => {
    setNotice(undefined);
    remove.reset();
    rotate.reset();
  };

  return (
    <>
      <div className="page-head">
        <h1>Secrets</h1>
        <div className="actions">
          <button
            type="button"
            onClick={() => {
              begin();
              rotate.mutate();
            }}
            disabled={rotate.isPending}
          >
            {rotate.isPending ? "Re-encrypting…" : "Re-encrypt with current key"}
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => {
              begin();
              setEditing({});
            }}
          >
            New secret
          </button>
        </div>
      </div>
      <p className="notice">
        Values are write-only: the executor keeps them encrypted (SECRETS_KEY) and no page, command or call
        shows them again. A step receives the secrets its MCP version names (config <code>secrets</code>, or
        an LLM provider&apos;s <code>apiKeySecret</code>) as environment variables. Every call here needs an
        API key with the <code>admin</code> scope when API keys are on.
      </p>
      {notice !== undefined && (
        <p role="status" className="saved">
          {notice}
        </p>
      )}
      {rotate.isError && <SecretsError error={rotate.error} title="RotateSecretsKey failed" />}
      {remove.isError && <SecretsError error={remove.error} title="DeleteSecret failed" />}
      <PagedStates
        list={list}
        what="secrets"
        errorTitle="Could not list secrets"
        moreErrorTitle="Could not load more secrets"
        empty="No secrets yet: add one with “New secret”."
      >
        {(items) => (
          <SecretsTable
            secrets={items}
            onSetValue={(s) => {
              begin();
              setEditing({ existing: s });
            }}
            onDelete={(s) => {
              begin();
              setDeleting(s);
            }}
          />
        )}
      </PagedStates>
      {list.error !== null && <SecretsErrorHint error={list.error} />}
      {editing !== undefined && (
        <SecretFormDialog
          existing={editing.existing}
          onClose={() => setEditing(undefined)}
          onSaved={(res) => {
            setEditing(undefined);
            setNotice(putOutcome(res));
            void refresh();
          }}
        />
      )}
      {deleting !== undefined && (
        <ConfirmDialog
          title={`Delete secret ${deleting.name}?`}
          confirmLabel="Delete secret"
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(undefined)}
        >
          <p>
            Its value is gone for good. Steps of MCP versions that name <code>{deleting.name}</code> fail
            before they start until a secret of that name is set again.
          </p>
        </ConfirmDialog>
      )}
    </>
  );
}
