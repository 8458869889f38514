import type { ChatMessage } from "../llm/index.js";

/**
 * Keeps the conversation within `memorySize` messages: the first user message (the task) always stays;
 * the oldest others go first. A tool result is never kept without the assistant message that asked
 * for it, so trimming can drop a little more than asked.
 */
export function trimHistory(messages: readonly ChatMessage[], memorySize: number): ChatMessage[] {
  const [first, ...rest] = messages;
  if (first === undefined || messages.length <= memorySize) return [...messages];
  let kept = rest.slice(Math.max(0, rest.length - Math.max(0, memorySize - 1)));
  while (kept[0]?.role === "tool") kept = kept.slice(1);
  return [first, ...kept];
}
