import type { Trigger } from "@mcp/proto/executor";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { useApi } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { ConfirmDialog } from "../../components/confirm-dialog";
import { PagedStates } from "../../components/paged-states";
import { Code, ConnectError } from "@connectrpc/connect";
import { ErrorView } from "../../components/error-view";
import { TriggersTable } from "./triggers-table";

const PAGE_SIZE = 50;

/** What to do about an error beyond what the executor said: an admin key, or a SECRETS_KEY. */
export function triggersErrorHint(err: unknown): string | undefined {
  if (!(err instanceof ConnectError)) return undefined;
  if (err.code === Code.PermissionDenied || err.code === Code.Unauthenticated) {
    return "Every call about triggers, listing included, needs an API key with the admin role: save one in Settings.";
  }
  if (err.code === Code.FailedPrecondition && err.rawMessage.includes("SECRETS_KEY")) {
    return "Trigger secrets are sealed with the executor's SECRETS_KEY: restart it with one (e.g. `openssl rand -base64 32`).";
  }
  return undefined;
}

function Hint({ error }: { error: unknown }) {
  const hint = triggersErrorHint(error);
  return hint === undefined ? null : <p className="hint">{hint}</p>;
}

/**
 * The executor's webhook triggers: each one's workflow, webhook URL, input mapping and rate limit
 * (never a secret: the API returns one only to `mcp trigger create` and `rotate-secret`), and Delete
 * after a confirmation. Like the secrets store, every call needs an admin key when API keys are on.
 */
export function TriggersPage() {
  const { clients, config } = useApi();
  const queryClient = useQueryClient();
  const [deleting, setDeleting] = useState<Trigger>();
  const [notice, setNotice] = useState<string>();
  const list = usePagedList({
    queryKey: ["triggers"],
    fetchPage: (pageToken, signal) =>
      clients.triggers.listTriggers({ pageSize: PAGE_SIZE, pageToken }, { signal }),
    itemsOf: (page) => page.triggers,
  });
  const remove = useMutation({
    mutationFn: (t: Trigger) => clients.triggers.deleteTrigger({ name: t.name }),
    onSuccess: async (_res, t) => {
      setDeleting(undefined);
      setNotice(`Deleted trigger ${t.name}: its webhook answers 404 from now on.`);
      await queryClient.invalidateQueries({ queryKey: ["triggers"] });
    },
    onError: () => setDeleting(undefined),
  });

  return (
    <>
      <div className="page-head">
        <h1>Triggers</h1>
      </div>
      <p className="notice">
        A webhook trigger starts its workflow when a signed <code>POST</code> reaches its URL: the JSON body
        becomes the run&apos;s inputs, <code>X-Hub-Signature-256</code> must be the body&apos;s HMAC-SHA256
        with the trigger&apos;s secret, and a repeated <code>X-Delivery-Id</code> starts no second run. Create
        one with <code>mcp trigger create NAME --workflow WORKFLOW</code> (it prints the secret, once).
      </p>
      {notice !== undefined && (
        <p role="status" className="saved">
          {notice}
        </p>
      )}
      {remove.isError && (
        <>
          <ErrorView error={remove.error} title="DeleteTrigger failed" />
          <Hint error={remove.error} />
        </>
      )}
      <PagedStates
        list={list}
        what="triggers"
        errorTitle="Could not list triggers"
        moreErrorTitle="Could not load more triggers"
        empty="No triggers yet: create one with `mcp trigger create`."
      >
        {(items) => (
          <TriggersTable
            triggers={items}
            executorUrl={config.executorUrl}
            onDelete={(t) => {
              setNotice(undefined);
              remove.reset();
              setDeleting(t);
            }}
          />
        )}
      </PagedStates>
      {list.error !== null && <Hint error={list.error} />}
      {deleting !== undefined && (
        <ConfirmDialog
          title={`Delete trigger ${deleting.name}?`}
          confirmLabel="Delete trigger"
          busy={remove.isPending}
          onConfirm={() => remove.mutate(deleting)}
          onCancel={() => setDeleting(undefined)}
        >
          <p>Its webhook answers 404 from then on and its secret is gone. Runs it started are kept.</p>
        </ConfirmDialog>
      )}
    </>
  );
}
