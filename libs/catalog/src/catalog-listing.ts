import {
  keysetPage,
  type CatalogDefinitionRow,
  type CatalogListFilter,
  type CatalogQueries,
  type CatalogVersionRow,
  type Page,
} from "@mcp/db";
import type { CatalogKey } from "./catalog-key.js";
import type { CatalogReader } from "./catalog-reader.js";

/** A kind's keyset-paginated lists: definitions by (name, id), a definition's versions newest first. */
export class CatalogListing<
  D extends CatalogDefinitionRow,
  V extends CatalogVersionRow,
  F extends CatalogListFilter = CatalogListFilter,
> {
  constructor(
    private readonly queries: CatalogQueries<D, V, F>,
    private readonly reader: CatalogReader<D, V>,
  ) {}

  /** One page of the definitions `filter` selects; its tokens are bound to that filter. */
  definitions<T>(filter: F, size: number, token: string, map: (def: D) => T): Promise<Page<T>> {
    return keysetPage(
      { size, token, scope: filter },
      (after, limit) =>
        this.queries.list(filter, after ? [String(after[0]), String(after[1])] : undefined, limit),
      (last) => [last.nameKey, last.id],
      map,
    );
  }

  /** One page of a definition's versions, newest first; its tokens are bound to that definition. */
  async versions<T>(
    workspace: string,
    key: CatalogKey,
    size: number,
    token: string,
    map: (row: V, def: D) => T,
  ): Promise<Page<T>> {
    const def = await this.reader.definition(workspace, key);
    return keysetPage(
      { size, token, scope: { [this.queries.kind.noun]: def.id } },
      (before, limit) => this.queries.listVersions(def.id, before ? Number(before[0]) : undefined, limit),
      (last) => [last.version],
      (row) => map(row, def),
    );
  }
}
