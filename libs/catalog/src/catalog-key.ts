/** How a request names a definition: the `id`/`name` oneof every catalogue request has. */
export type CatalogKey =
  { case: "id"; value: string } | { case: "name"; value: string } | { case: undefined; value?: undefined };

/** The case-insensitive key of a name: what uniqueness, lookups and ordering use. */
export function nameKeyOf(name: string): string {
  return name.toLowerCase();
}
