import type { McpDefinitionEntity } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";

/** Which version a request wants: the `selector` oneof; unset = latest. */
export type VersionSelector =
  | { case: "version"; value: number }
  | { case: "label"; value: string }
  | { case: undefined; value?: undefined };

/** The version number a selector picks: a number, a label's target, or the latest. */
export function selectVersion(def: McpDefinitionEntity, selector: VersionSelector): number {
  if (selector.case === "version") return selector.value;
  if (selector.case === "label") {
    const target = def.labels[selector.value];
    if (target === undefined) {
      const known = Object.keys(def.labels).sort().join(", ");
      throw new NotFoundError("mcp label", `${def.name}@${selector.value}`, `labels are: ${known}`);
    }
    return target;
  }
  return def.latestVersion;
}
