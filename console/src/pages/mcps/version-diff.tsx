import type { Value } from "@bufbuild/protobuf/wkt";
import { McpConfigSchema, ChangeKind, type McpVersion } from "@mcp/proto/registry";
import { useQuery } from "@tanstack/react-query";
import { useMemo } from "react";
import { useSearchParams } from "react-router";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { Field } from "../../components/field";
import { Empty, Loading } from "../../components/states";
import { codeFieldsOf, pairCodeFields } from "../../code/code-fields";
import { CodeMerge } from "../../code/lazy";
import { inlineJson, messageJson, prettyJson, valueJson } from "../../format/json";
import { versionParam } from "../../format/version-param";

/** The config fields shown as code of their own (see codeFieldsOf), left out of the JSON part. */
const CODE_KEYS = ["scriptContent", "template", "systemPrompt", "notebookContent"];
/** The same fields as DiffMcpVersions names them in its paths. */
const CODE_PATHS = ["script_content", "template", "system_prompt", "notebook_content"];

/**
 * What the JSON part of the diff compares: a version's config (without the code fields, compared line
 * by line on their own) and schemas, as pretty JSON.
 */
export function versionContent(v: McpVersion | undefined): string {
  if (!v) return "";
  const config = v.config ? (messageJson(McpConfigSchema, v.config) as Record<string, unknown>) : undefined;
  const kinds = config
    ? Object.fromEntries(
        Object.entries(config).map(([k, value]) =>
          value && typeof value === "object" && !Array.isArray(value)
            ? [k, Object.fromEntries(Object.entries(value).filter(([f]) => !CODE_KEYS.includes(f)))]
            : [k, value],
        ),
      )
    : undefined;
  return `${prettyJson({ config: kinds, inputSchema: v.inputSchema, outputSchema: v.outputSchema })}\n`;
}

const KIND: Record<ChangeKind, string> = {
  [ChangeKind.UNSPECIFIED]: "changed",
  [ChangeKind.ADDED]: "added",
  [ChangeKind.REMOVED]: "removed",
  [ChangeKind.MODIFIED]: "modified",
};

/** A changed value in the table: code fields are pointed to their line diff below, the rest shown as JSON. */
function changeValue(path: string, value: Value | undefined): string {
  if (value === undefined) return "—";
  const field = path.split(".").pop() ?? "";
  if (CODE_KEYS.includes(field) || CODE_PATHS.includes(field)) {
    const text = valueJson(value);
    return typeof text === "string" ? `${text.split("\n").length} lines (see below)` : inlineJson(text);
  }
  return inlineJson(valueJson(value));
}

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
  const code = useMemo(
    () => pairCodeFields(codeFieldsOf(left.data?.version?.config), codeFieldsOf(right.data?.version?.config)),
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
        <table className="changes">
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
                <td className="value">{changeValue(c.path, c.oldValue)}</td>
                <td className="value">{changeValue(c.path, c.newValue)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h3>Side by side</h3>
      <p className="hint">Changed lines are marked on both sides; long unchanged stretches are folded.</p>
      {left.isError || right.isError ? (
        <ErrorView error={left.error ?? right.error} title="GetMcpVersion failed" />
      ) : left.isPending || right.isPending ? (
        <Loading what="versions" />
      ) : (
        <>
          {code.map((c) => (
            <div key={c.key} className="code-diff" data-testid={`code-diff-${c.key}`}>
              <h4>
                {c.title}
                {c.before === c.after ? " (unchanged)" : ""}
              </h4>
              <CodeMerge
                before={c.before}
                after={c.after}
                language={c.language}
                beforeLabel={`${c.title} in v${from}`}
                afterLabel={`${c.title} in v${to}`}
              />
            </div>
          ))}
          <div className="code-diff" data-testid="version-diff">
            <h4>Config and schemas</h4>
            <CodeMerge
              before={versionContent(left.data.version)}
              after={versionContent(right.data.version)}
              language="json"
              beforeLabel={`Config and schemas of v${from}`}
              afterLabel={`Config and schemas of v${to}`}
            />
          </div>
        </>
      )}
    </>
  );
}
