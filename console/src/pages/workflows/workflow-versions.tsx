import type { WorkflowVersion } from "@mcp/proto/workflows";
import { useClients } from "../../api/context";
import { usePagedList } from "../../api/use-paged-list";
import { PagedStates } from "../../components/paged-states";
import { VersionTable, type VersionColumn } from "../../components/version-table";

const COLUMNS: readonly VersionColumn<WorkflowVersion>[] = [
  { header: "Steps", cell: (v) => v.spec?.steps.length ?? 0 },
];

/** A workflow's versions, newest first (ListWorkflowVersions). */
export function WorkflowVersions({ name, shown, current }: { name: string; shown: number; current: number }) {
  const { workflows } = useClients();
  const list = usePagedList({
    queryKey: ["workflowVersions", name],
    fetchPage: (pageToken, signal) =>
      workflows.listWorkflowVersions(
        { workflow: { case: "name", value: name }, pageSize: 50, pageToken },
        { signal },
      ),
    itemsOf: (page) => page.versions,
  });
  return (
    <PagedStates list={list} what="versions" errorTitle="Could not list versions" empty="No versions.">
      {(versions) => (
        <VersionTable
          name={name}
          versions={versions}
          shown={shown}
          columns={COLUMNS}
          note={(v) => (v.version === current ? " (current)" : "")}
        />
      )}
    </PagedStates>
  );
}
