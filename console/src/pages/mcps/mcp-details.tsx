import type { Mcp, McpVersion } from "@mcp/proto/registry";
import { McpConfigSchema } from "@mcp/proto/registry";
import { codeFieldsOf } from "../../code/code-fields";
import { CodeEditor } from "../../code/lazy";
import { JsonView } from "../../components/json-view";
import { mcpTypeName } from "../../format/enums";
import { messageJson } from "../../format/json";
import { formatTime } from "../../format/time";
import { networkName, secretsOf } from "../../mcps/sandbox";

/** The MCP's facts and one version's content (config, schemas, deprecation). */
export function McpDetails({ mcp, version }: { mcp: Mcp; version: McpVersion }) {
  const latest = version.version === mcp.latestVersion;
  const network = networkName(version.config?.network);
  const secrets = secretsOf(version.config);
  return (
    <section aria-labelledby="details-heading">
      <h2 id="details-heading">
        Version {version.version}
        {latest ? " (latest)" : ""}
      </h2>
      {version.deprecated && (
        <p className="notice warn" role="note">
          <strong>Deprecated</strong>
          {version.deprecationMessage ? `: ${version.deprecationMessage}` : ""}
        </p>
      )}
      <dl className="facts">
        <dt>Type</dt>
        <dd>{mcpTypeName(mcp.type)}</dd>
        <dt>Description</dt>
        <dd>{mcp.description || "—"}</dd>
        <dt>Tags</dt>
        <dd>{mcp.tags.length > 0 ? mcp.tags.join(", ") : "—"}</dd>
        <dt>Network</dt>
        <dd data-testid="version-network">
          {network === "egress" ? (
            <>
              <strong>egress</strong>: outside hosts, never the executor host, private ranges or the platform
            </>
          ) : network === "none" ? (
            "none: no network"
          ) : (
            network
          )}
        </dd>
        <dt>Secrets</dt>
        <dd data-testid="version-secrets">
          {secrets.length === 0
            ? "—"
            : secrets.map((s, i) => (
                <span key={`${s.as}:${s.name}`}>
                  {i > 0 && ", "}
                  <code>{s.name}</code>
                  {s.as === "provider" && " (LLM provider's API key)"}
                </span>
              ))}
        </dd>
        <dt>Max concurrency</dt>
        <dd data-testid="version-max-concurrency">
          {version.config?.maxConcurrency === undefined
            ? "no limit"
            : `${version.config.maxConcurrency} steps at once, cluster-wide`}
        </dd>
        <dt>Labels on this version</dt>
        <dd>{version.labels.length > 0 ? version.labels.join(", ") : "—"}</dd>
        <dt>Latest version</dt>
        <dd>v{mcp.latestVersion}</dd>
        <dt>Written</dt>
        <dd>{formatTime(version.createTime)}</dd>
        <dt>Change note</dt>
        <dd>{version.changeNote || "—"}</dd>
        <dt>Content hash</dt>
        <dd>
          <code>{version.contentHash.slice(0, 16)}</code>
        </dd>
      </dl>
      {codeFieldsOf(version.config).map((code) => (
        <div key={code.key} className="code-section">
          <h3>{code.title}</h3>
          <CodeEditor value={code.text} language={code.language} label={code.title} readOnly />
        </div>
      ))}
      <div className="columns">
        <div>
          <h3>Config</h3>
          <JsonView
            value={version.config ? messageJson(McpConfigSchema, version.config) : undefined}
            label="Config"
          />
        </div>
        <div>
          <h3>Input schema</h3>
          <JsonView value={version.inputSchema} label="Input schema" empty="No input schema." />
          {version.outputSchema && (
            <>
              <h3>Output schema</h3>
              <JsonView value={version.outputSchema} label="Output schema" />
            </>
          )}
        </div>
      </div>
      {version.toolSnapshotError && <p className="hint">Tool snapshot: {version.toolSnapshotError}</p>}
    </section>
  );
}
