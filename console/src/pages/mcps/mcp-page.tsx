import { useQuery } from "@tanstack/react-query";
import { Link, useParams, useSearchParams } from "react-router";
import { useClients } from "../../api/context";
import { ErrorView } from "../../components/error-view";
import { Loading } from "../../components/states";
import { versionParam } from "../../format/version-param";
import { LabelHistory } from "./label-history";
import { LabelMover } from "./label-mover";
import { McpDetails } from "./mcp-details";
import { TryMcp } from "./try-mcp";
import { UsedBy } from "./used-by";
import { VersionDiff } from "./version-diff";
import { VersionsTable } from "./versions-table";

/**
 * One MCP: a version's details, labels (move, history), the workflows using it, versions, a diff of two
 * versions, and "Try it".
 */
export function McpPage() {
  const { name = "" } = useParams();
  const [params] = useSearchParams();
  const version = versionParam(params.get("version"));
  const { registry } = useClients();
  const query = useQuery({
    queryKey: ["mcp", name, version ?? "latest"],
    queryFn: ({ signal }) =>
      registry.getMcp(
        {
          mcp: { case: "name", value: name },
          selector: version === undefined ? { case: undefined } : { case: "version", value: version },
        },
        { signal },
      ),
  });

  if (query.isPending) return <Loading what={`MCP ${name}`} />;
  if (query.isError) {
    return (
      <>
        <h1>{name}</h1>
        <ErrorView error={query.error} title={`Could not load MCP ${name}`} />
        <p>
          <Link to="/mcps">Back to MCPs</Link>
        </p>
      </>
    );
  }
  const { mcp, version: shown } = query.data;
  if (!mcp || !shown) return <ErrorView error={new Error("GetMcp returned no MCP")} />;
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/mcps">MCPs</Link> / {mcp.name}
      </p>
      <h1>{mcp.name}</h1>
      <McpDetails mcp={mcp} version={shown} />
      <section aria-labelledby="labels-heading">
        <h2 id="labels-heading">Labels</h2>
        <LabelMover mcp={mcp} />
        <LabelHistory name={mcp.name} />
      </section>
      <section aria-labelledby="used-by-heading">
        <h2 id="used-by-heading">Used by</h2>
        <UsedBy mcpId={mcp.id} />
      </section>
      <section aria-labelledby="versions-heading">
        <h2 id="versions-heading">Versions</h2>
        <VersionsTable name={mcp.name} shown={shown.version} />
      </section>
      <section aria-labelledby="diff-heading">
        <h2 id="diff-heading">Compare versions</h2>
        <VersionDiff name={mcp.name} latest={mcp.latestVersion} />
      </section>
      <section aria-labelledby="try-heading">
        <h2 id="try-heading">Try it</h2>
        <TryMcp key={`${mcp.name}@${shown.version}`} version={shown} />
      </section>
    </>
  );
}
