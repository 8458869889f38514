export { canonicalJson, contentHash, type JsonValue, type JsonObject } from "./canonical-json.js";
export { diffJson, type JsonChange } from "./json-diff.js";
export { etagOf, checkEtag } from "./etag.js";
