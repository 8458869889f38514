import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { JsonObject, JsonValue } from "../../step/index.js";

/**
 * The step outputs of a successful `tools/call`:
 * - the tool's `structuredContent` when it returned one (its fields are the outputs), else
 * - `{ text, content }`: `text` is every text content block joined with a newline ("" when there is
 *   none) and `content` is the result's content blocks as the server sent them (text, image, audio,
 *   resource links, embedded resources), so nothing is lost.
 */
export function outputsOf(result: CallToolResult): JsonObject {
  // The SDK's parsed JSON, typed as JSON again (it came off the wire as JSON, so it is JSON).
  if (result.structuredContent !== undefined) return result.structuredContent as JsonObject;
  return { text: textOf(result), content: result.content as JsonValue[] };
}

/** The message of a result with `isError: true`: its text, or a note that the tool gave none. */
export function toolErrorMessage(toolName: string, result: CallToolResult): string {
  const text = textOf(result).trim();
  return `MCP tool "${toolName}" reported an error: ${text === "" ? "(no message)" : text}`;
}

/** The text content blocks of a result, joined with a newline. */
export function textOf(result: CallToolResult): string {
  return result.content.flatMap((block) => (block.type === "text" ? [block.text] : [])).join("\n");
}
