import { create, type DescMessage, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { CatalogDefinitionRow, CatalogVersionRow } from "@mcp/db";
import { etagOf } from "@mcp/versioning";

/** The API fields every definition message has (`Mcp`, `Workflow`, …), from its row. */
export function definitionFields(def: CatalogDefinitionRow) {
  return {
    id: def.id,
    name: def.name,
    description: def.description,
    tags: def.tags,
    latestVersion: def.latestVersion,
    etag: etagOf(def.rowVersion),
    createTime: timestampFromDate(def.createdAt),
    updateTime: timestampFromDate(def.updatedAt),
    deleteTime: def.deletedAt ? timestampFromDate(def.deletedAt) : undefined,
    workspace: def.workspace,
  };
}

/** The API fields every version message has (`McpVersion`, `WorkflowVersion`, …), from its row. */
export function versionFields(row: CatalogVersionRow) {
  return {
    version: row.version,
    contentHash: row.contentHash,
    changeNote: row.changeNote,
    createTime: timestampFromDate(row.createdAt),
  };
}

/** A kind's definition message: the common fields from the row, `own` the kind's (type, labels, …). */
export function definitionMessage<Desc extends DescMessage>(
  schema: Desc,
  def: CatalogDefinitionRow,
  own: MessageInitShape<Desc>,
): MessageShape<Desc> {
  return create(schema, { ...definitionFields(def), ...own });
}

/** A kind's version message: the common fields from the row, `own` the kind's (owner, content, …). */
export function versionMessage<Desc extends DescMessage>(
  schema: Desc,
  row: CatalogVersionRow,
  own: MessageInitShape<Desc>,
): MessageShape<Desc> {
  return create(schema, { ...versionFields(row), ...own });
}
