import { inSpan, SpanKind } from "@mcp/runtime";
import type { ChatClient } from "./client.js";

/**
 * A chat client whose every call is a CLIENT span `chat <model>` (OpenTelemetry GenAI attributes:
 * system, model, max tokens, temperature, then the token counts and the stop reason) under the
 * step's span. While tracing is off it is the client itself, called directly.
 */
export function tracedChatClient(client: ChatClient, system: string): ChatClient {
  return {
    chat: (request) =>
      inSpan(
        {
          service: "executor",
          name: `chat ${request.model}`,
          kind: SpanKind.CLIENT,
          attributes: {
            "gen_ai.operation.name": "chat",
            "gen_ai.system": system,
            "gen_ai.request.model": request.model,
            "gen_ai.request.max_tokens": request.maxTokens,
            "gen_ai.request.temperature": request.temperature,
          },
        },
        async (span) => {
          const answer = await client.chat(request);
          span.setAttributes({
            "gen_ai.usage.input_tokens": answer.usage.inputTokens,
            "gen_ai.usage.output_tokens": answer.usage.outputTokens,
            "gen_ai.response.finish_reasons": [answer.stopReason],
            "mcp.llm.tool_calls": answer.toolCalls.length,
          });
          return answer;
        },
      ),
  };
}
