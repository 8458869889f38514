import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A request the fake model received. */
export interface ModelRequest {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Record<string, unknown>;
}

/** Decides the fake model's answer (a JSON body in the provider's wire format) from the request. */
export type Answer = (request: ModelRequest) => unknown;

/**
 * A stand-in for a hosted LLM API on 127.0.0.1 (the one thing these machines cannot reach), speaking
 * the real wire format the test chooses: `answer` builds each JSON response. Records every request.
 */
export class FakeModel {
  private constructor(
    private readonly server: Server,
    readonly url: string,
    /** Every request received, oldest first. */
    readonly requests: ModelRequest[],
  ) {}

  static async start(answer: Answer): Promise<FakeModel> {
    const requests: ModelRequest[] = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const request = {
          path: req.url ?? "",
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString() || "{}") as Record<string, unknown>,
        };
        requests.push(request);
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify(answer(request)));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return new FakeModel(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** An OpenAI Chat Completions answer with text. */
export const openAiText = (text: string) => ({
  id: "chatcmpl-test",
  object: "chat.completion",
  choices: [{ index: 0, message: { role: "assistant", content: text }, finish_reason: "stop" }],
  usage: { prompt_tokens: 11, completion_tokens: 7, total_tokens: 18 },
});

/** An OpenAI Chat Completions answer calling one tool. */
export const openAiToolCall = (id: string, name: string, args: Record<string, unknown>) => ({
  id: "chatcmpl-test",
  object: "chat.completion",
  choices: [
    {
      index: 0,
      message: {
        role: "assistant",
        content: null,
        tool_calls: [{ id, type: "function", function: { name, arguments: JSON.stringify(args) } }],
      },
      finish_reason: "tool_calls",
    },
  ],
  usage: { prompt_tokens: 13, completion_tokens: 9, total_tokens: 22 },
});
