export { nameKeyOf, type CatalogKey } from "./catalog-key.js";
export {
  catalogCacheKeys,
  DEFINITION_TTL_SECONDS,
  VERSION_TTL_SECONDS,
  type CatalogCacheKeys,
} from "./cache-keys.js";
export {
  CatalogReader,
  versionNotFound,
  type DefinitionReads,
  type ReaderOptions,
} from "./catalog-reader.js";
export {
  CatalogWriter,
  type ContentDraft,
  type DefinitionChange,
  type FirstVersion,
  type NewDefinition,
  type WriterOptions,
  type Written,
} from "./catalog-writer.js";
export { CatalogListing } from "./catalog-listing.js";
export { createCatalog, type Catalog, type CatalogOptions } from "./catalog.js";
export { definitionFields, definitionMessage, versionFields, versionMessage } from "./api-fields.js";
export { fromStoredJson, toStoredJson } from "./stored-json.js";
