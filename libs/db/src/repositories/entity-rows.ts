import type { EntityMetadata } from "typeorm";
import type { ColumnMetadata } from "typeorm/metadata/ColumnMetadata.js";

/**
 * Raw SQL over TypeORM entities, for the hot paths where one statement replaces a transaction of
 * several: a `SET` list built from an entity patch, and entity objects from `RETURNING` rows.
 * Column names and types come from the entity metadata, so they cannot drift from the entities.
 */

/** Appends `value` to `params` and returns its placeholder (`$n`, cast where pg needs one). */
function placeholder(params: unknown[], value: unknown, type: unknown): string {
  if (type === "jsonb") {
    params.push(value === null || value === undefined ? null : JSON.stringify(value));
    return `$${params.length}::jsonb`;
  }
  params.push(value === undefined ? null : value);
  return `$${params.length}`;
}

/** Every column of an entity by property name, worked out once per entity. */
const byProperty = new WeakMap<EntityMetadata, ReadonlyMap<string, ColumnMetadata>>();
function columnNamed(metadata: EntityMetadata, property: string): ColumnMetadata {
  let columns = byProperty.get(metadata);
  if (!columns) {
    columns = new Map(metadata.columns.map((column) => [column.propertyName, column]));
    byProperty.set(metadata, columns);
  }
  const column = columns.get(property);
  if (!column) throw new Error(`${metadata.name} has no column for property "${property}"`);
  return column;
}

/**
 * Calls `each` with the column of every defined property of `row` and its value; throws on a
 * property the entity lacks. (A plain loop: this runs for every write of the run path.)
 */
function eachDefinedColumn(
  metadata: EntityMetadata,
  row: object,
  each: (column: ColumnMetadata, value: unknown) => void,
): void {
  const values = row as Record<string, unknown>;
  for (const property of Object.keys(values)) {
    const value = values[property];
    if (value !== undefined) each(columnNamed(metadata, property), value);
  }
}

/** `[column, placeholder]` for every defined property of `row`, the values appended to `params`. */
export function columnValues(
  metadata: EntityMetadata,
  row: object,
  params: unknown[],
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  eachDefinedColumn(metadata, row, (column, value) =>
    out.push([column.databaseName, placeholder(params, value, column.type)]),
  );
  return out;
}

/** `col = $n` for every property of `patch` (see {@link columnValues}). */
export function setList(metadata: EntityMetadata, patch: object, params: unknown[]): string[] {
  return columnValues(metadata, patch, params).map(([column, value]) => `${column} = ${value}`);
}

/** The entity's own columns (not relation properties), worked out once per entity. */
const ownColumns = new WeakMap<EntityMetadata, readonly ColumnMetadata[]>();
function columnsOf(metadata: EntityMetadata): readonly ColumnMetadata[] {
  let columns = ownColumns.get(metadata);
  if (!columns) {
    const relations = new Set(metadata.relations.map((relation) => relation.propertyName));
    columns = metadata.columns.filter((column) => !relations.has(column.propertyName));
    ownColumns.set(metadata, columns);
  }
  return columns;
}

/** An entity object from a raw row (`RETURNING *`, or `SELECT t.*`); pg has already parsed the values. */
export function fromRow<T>(metadata: EntityMetadata, raw: Record<string, unknown>): T {
  const entity: Record<string, unknown> = {};
  for (const column of columnsOf(metadata)) {
    if (column.databaseName in raw) entity[column.propertyName] = raw[column.databaseName];
  }
  return entity as T;
}

/** `row` keyed by column name (for `jsonb_populate_recordset`); undefined properties left out. */
export function toColumns(metadata: EntityMetadata, row: object): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  eachDefinedColumn(metadata, row, (column, value) => (out[column.databaseName] = value));
  return out;
}

/**
 * An entity object from a row that came through JSON (`json_agg(t)`): the same as {@link fromRow},
 * with timestamps turned back into Dates (JSON carries them as text).
 */
export function fromJsonRow<T>(metadata: EntityMetadata, raw: Record<string, unknown>): T {
  const entity = fromRow<Record<string, unknown>>(metadata, raw);
  for (const column of columnsOf(metadata)) {
    const value = entity[column.propertyName];
    if (column.type === "timestamptz" && typeof value === "string")
      entity[column.propertyName] = new Date(value);
    else if (column.type === "bigint" && typeof value === "number")
      entity[column.propertyName] = String(value);
  }
  return entity as T;
}
