import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity.js";

/**
 * Lets a full entity row be inserted: TypeORM's deep-partial insert type cannot follow the loose
 * `unknown` JSON of jsonb columns, although any entity row is a valid insert.
 */
export function asInsert<T>(row: T): QueryDeepPartialEntity<T> {
  return row as unknown as QueryDeepPartialEntity<T>;
}

/** The same for a partial update of an entity with jsonb columns. */
export function asUpdate<T>(fields: Partial<T>): QueryDeepPartialEntity<T> {
  return fields as unknown as QueryDeepPartialEntity<T>;
}
