import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { Code, ConnectError } from "@connectrpc/connect";
import { useState, type FormEvent } from "react";
import { useSearchParams } from "react-router";
import { useApi } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { AuditTable } from "./audit-table";

const PAGE_SIZE = 50;

/** The filters the URL carries (`?actor=…&rpc=…&target=…&outcome=…&since=24`, hours). */
const FIELDS = ["actor", "rpc", "target", "outcome", "since"] as const;
type Filters = Record<(typeof FIELDS)[number], string>;

const SINCE_CHOICES: readonly [string, string][] = [
  ["", "any time"],
  ["1", "last hour"],
  ["24", "last 24 hours"],
  ["168", "last 7 days"],
];

/** What to do about a refusal beyond what the registry said. */
export function auditErrorHint(err: unknown): string | undefined {
  if (!(err instanceof ConnectError)) return undefined;
  return err.code === Code.PermissionDenied || err.code === Code.Unauthenticated
    ? "The audit log is for admins of the workspace: save an admin's API key in Settings."
    : undefined;
}

/**
 * The workspace's audit log (ListAuditEvents): every mutating call of every service, newest first,
 * filtered by actor, RPC, target, outcome and time; the filters live in the URL.
 */
export function AuditPage() {
  const { clients } = useApi();
  const [params, setParams] = useSearchParams();
  const applied = Object.fromEntries(FIELDS.map((f) => [f, params.get(f) ?? ""])) as Filters;
  const [draft, setDraft] = useState<Filters>(applied);
  const hours = Number(applied.since);
  const list = usePagedList({
    queryKey: ["audit", applied],
    fetchPage: (pageToken, signal) =>
      clients.audit.listAuditEvents(
        {
          pageSize: PAGE_SIZE,
          pageToken,
          filter: {
            actor: applied.actor,
            method: applied.rpc,
            target: applied.target,
            outcome: applied.outcome.toUpperCase(),
            ...(hours > 0 ? { after: timestampFromDate(new Date(Date.now() - hours * 3_600_000)) } : {}),
          },
        },
        { signal },
      ),
    itemsOf: (page) => page.events,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setParams(
      Object.fromEntries(FIELDS.filter((f) => draft[f].trim() !== "").map((f) => [f, draft[f].trim()])),
    );
  };
  const hint = list.error === null ? undefined : auditErrorHint(list.error);

  return (
    <>
      <div className="page-head">
        <h1>Audit</h1>
      </div>
      <form className="filter-bar" role="search" aria-label="Filter audit events" onSubmit={submit}>
        {(["actor", "rpc", "target", "outcome"] as const).map((field) => (
          <label key={field}>
            {field === "rpc" ? "RPC" : field[0]!.toUpperCase() + field.slice(1)}
            <input
              value={draft[field]}
              placeholder={
                {
                  actor: "key name or email",
                  rpc: "SetMcpLabel",
                  target: "summarize",
                  outcome: "PERMISSION_DENIED",
                }[field]
              }
              onChange={(e) => setDraft({ ...draft, [field]: e.target.value })}
            />
          </label>
        ))}
        <label>
          Since
          <select value={draft.since} onChange={(e) => setDraft({ ...draft, since: e.target.value })}>
            {SINCE_CHOICES.map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        </label>
        <button type="submit">Filter</button>
      </form>
      <PagedStates
        list={list}
        what="audit events"
        errorTitle="Could not list audit events"
        moreErrorTitle="Could not load more audit events"
        empty="No audit events match."
      >
        {(items) => <AuditTable events={items} />}
      </PagedStates>
      {hint !== undefined && <p className="hint">{hint}</p>}
    </>
  );
}
