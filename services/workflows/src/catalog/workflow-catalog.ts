import { createCatalog, type Catalog, type CatalogReader } from "@mcp/catalog";
import type { Cache } from "@mcp/coordination";
import type {
  CatalogTransaction,
  WorkflowDefinitionEntity,
  WorkflowListFilter,
  WorkflowQueries,
  WorkflowStore,
  WorkflowVersionEntity,
} from "@mcp/db";

/** Workflows on the catalogue kernel (@mcp/catalog). */
export type WorkflowCatalog = Catalog<
  WorkflowDefinitionEntity,
  WorkflowVersionEntity,
  WorkflowListFilter,
  CatalogTransaction<WorkflowDefinitionEntity, WorkflowVersionEntity>
>;
export type WorkflowReader = CatalogReader<WorkflowDefinitionEntity, WorkflowVersionEntity>;

/**
 * The workflows kind: cached under `wf:`; versions never change, so hot ones are also kept in
 * process; a new version becomes current unless a rollback pinned the current one.
 */
export function workflowCatalog(
  store: WorkflowStore,
  queries: WorkflowQueries,
  cache: Cache,
): WorkflowCatalog {
  return createCatalog({
    store,
    queries,
    cache,
    cachePrefix: "wf",
    immutableVersions: true,
    onNewVersion: (def, number) => {
      if (!def.currentVersionPinned) def.currentVersion = number;
    },
  });
}
