import { McpConfigSchema, ChangeKind, type McpVersion } from "@mcp/proto/registry";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { Field } from "../../components/field";
import { Empty, Loading } from "../../components/states";
import { sideBySide } from "../../diff/side-by-side";
import { inlineJson, messageJson, prettyJson, valueJson } from "../../format/json";
import { versionParam } from "../../format/version-param";

/** What the diff compares: a version's config and schemas, as pretty JSON. */
export function versionContent(v: McpVersion | undefined): string {
  if (!v) return "";
  return `${prettyJson({
    config: v.config ? messageJson(McpConfigSchema, v.config) : undefined,
    inputSchema: v.inputSchema,
    outputSchema: v.outputSchema,
  })}\n`;
}

const KIND: Record<ChangeKind, string> = {
  [ChangeKind.UNSPECIFIED]: "changed",
  [ChangeKind.ADDED]: "added",
  [ChangeKind.REMOVED]: "removed",
  [ChangeKind.MODIFIED]: "modified",
};

/** Picks one of `versions` (newest first), shown as v1, v2, … */
function VersionSelect({
  label,
  versions,
  value,
  onChange,
}: {
  label: string;
  versions: number[];
  value: number;
  onChange: (version: number) => void;
}) {
  return (
    <Field label={label}>
      {(control) => (
        <select {...control} value={value} onChange={(e) => onChange(Number(e.target.value))}>
          {versions.map((v) => (
            <option key={v} value={v}>
              v{v}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** Two versions side by side (changed lines highlighted) and DiffMcpVersions' list of changed paths. */
export function VersionDiff({ name, latest }: { name: string; latest: number }) {
  const { registry } = useClients();
  const [params, setParams] = useSearchParams();
  const to = versionParam(params.get("to")) ?? latest;
  const from = versionParam(params.get("from")) ?? Math.max(to - 1, 1);
  const versions = Array.from({ length: latest }, (_, i) => latest - i);
  const choose = (key: "from" | "to", v: number) => {
    const p = new URLSearchParams(params);
    p.set("from", String(key === "from" ? v : from));
    p.set("to", String(key === "to" ? v : to));
    setParams(p, { replace: true });
  };

  const diff = useQuery({
    queryKey: ["mcpDiff", name, from, to],
    queryFn: ({ signal }) =>
      registry.diffMcpVersions(
        { mcp: { case: "name", value: name }, fromVersion: from, toVersion: to },
        { signal },
      ),
    enabled: latest >= 2,
  });
  const getVersion = (v: number) => ({
    queryKey: ["mcpVersion", name, v],
    queryFn: ({ signal }: { signal: AbortSignal }) =>
      registry.getMcpVersion(
        { mcp: { case: "name", value: name }, selector: { case: "version", value: v } },
        { signal },
      ),
    staleTime: Infinity, // versions never change (but for deprecation, which the diff does not show)
    enabled: latest >= 2,
  });
  const left = useQuery(getVersion(from));
  const right = useQuery(getVersion(to));
  const rows = useMemo(
    () => sideBySide(versionContent(left.data?.version), versionContent(right.data?.version)),
    [left.data, right.data],
  );

  if (latest < 2) return <Empty>Only one version so far: nothing to compare.</Empty>;
  return (
    <>
      <form className="inline-form" aria-label="Compare versions" onSubmit={(e) => e.preventDefault()}>
        <VersionSelect
          label="Older version"
          versions={versions}
          value={from}
          onChange={(v) => choose("from", v)}
        />
        <VersionSelect
          label="Newer version"
          versions={versions}
          value={to}
          onChange={(v) => choose("to", v)}
        />
      </form>
      <h3>Changed paths</h3>
      {diff.isPending ? (
        <Loading what="diff" />
      ) : diff.isError ? (
        <ErrorView error={diff.error} title="DiffMcpVersions failed" />
      ) : diff.data.changes.length === 0 ? (
        <Empty>
          v{from} and v{to} have the same content.
        </Empty>
      ) : (
        <table>
          <caption className="visually-hidden">
            Changes from v{from} to v{to}
          </caption>
          <thead>
            <tr>
              <th scope="col">Path</th>
              <th scope="col">Change</th>
              <th scope="col">v{from}</th>
              <th scope="col">v{to}</th>
            </tr>
          </thead>
          <tbody>
            {diff.data.changes.map((c) => (
              <tr key={c.path}>
                <td>
                  <code>{c.path}</code>
                </td>
                <td>{KIND[c.kind]}</td>
                <td className="clip">{inlineJson(valueJson(c.oldValue))}</td>
                <td className="clip">{inlineJson(valueJson(c.newValue))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Side by side</h3>
      {left.isError || right.isError ? (
        <ErrorView error={left.error ?? right.error} title="GetMcpVersion failed" />
      ) : left.isPending || right.isPending ? (
        <Loading what="versions" />
      ) : (
        <div className="diff-scroll">
          <table className="diff" data-testid="version-diff">
            <caption className="visually-hidden">
              v{from} (left) against v{to} (right)
            </caption>
            <colgroup>
              <col className="line-no" />
              <col />
              <col className="line-no" />
              <col />
            </colgroup>
            <thead>
              <tr>
                <th scope="col" colSpan={2}>
                  v{from}
                </th>
                <th scope="col" colSpan={2}>
                  v{to}
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r, i) => (
                <tr key={i}>
                  <td className="line-no">{r.left?.number}</td>
                  <td className={r.left?.changed ? "code removed" : "code"}>{r.left?.text}</td>
                  <td className="line-no">{r.right?.number}</td>
                  <td className={r.right?.changed ? "code added" : "code"}>{r.right?.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
