import type { McpVersion } from "@mcp/proto/registry";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { VersionTable, type VersionColumn } from "../../components/version-table";

const COLUMNS: readonly VersionColumn<McpVersion>[] = [
  { header: "Labels", cell: (v) => v.labels.join(", ") || "—" },
  {
    header: "Deprecated",
    cell: (v) =>
      v.deprecated ? `deprecated${v.deprecationMessage ? `: ${v.deprecationMessage}` : ""}` : "no",
  },
];

/** An MCP's versions, newest first, with their labels and deprecation flags. */
export function VersionsTable({ name, shown }: { name: string; shown: number }) {
  const { registry } = useClients();
  const list = usePagedList({
    queryKey: ["mcpVersions", name],
    fetchPage: (pageToken, signal) =>
      registry.listMcpVersions({ mcp: { case: "name", value: name }, pageSize: 50, pageToken }, { signal }),
    itemsOf: (page) => page.versions,
  });
  return (
    <PagedStates list={list} what="versions" errorTitle="Could not list versions" empty="No versions.">
      {(versions) => <VersionTable name={name} versions={versions} shown={shown} columns={COLUMNS} />}
    </PagedStates>
  );
}
