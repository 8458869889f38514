/** Test helpers for the LLM clients: a loopback HTTP server playing a provider; not part of the runtime API. */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** One request the fake provider received. */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly body: unknown;
  /** `Date.now()` when the whole request had arrived. */
  readonly receivedAt: number;
}

/** How the fake answers one request. */
export type Reply =
  | { readonly status?: number; readonly headers?: Record<string, string>; readonly json: unknown }
  | { readonly status?: number; readonly headers?: Record<string, string>; readonly text: string }
  /** Never answer (until the client gives up). */
  | { readonly hang: true }
  /** Drop the connection without answering: a network error. */
  | { readonly drop: true };

/**
 * A provider on 127.0.0.1, port 0: records every request and answers with the queued replies in
 * order (a 599 saying so when none is left).
 */
export class FakeProvider {
  readonly requests: RecordedRequest[] = [];
  private readonly replies: Reply[] = [];
  private readonly sockets = new Set<Socket>();
  /** Requests whose connection the client closed before an answer. */
  abandoned = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeProvider> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeProvider(server, `http://127.0.0.1:${port}`);
    server.on("request", (request: IncomingMessage, response: ServerResponse) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        fake.requests.push({
          method: request.method ?? "",
          path: request.url ?? "",
          headers: request.headers,
          body: parseOrUndefined(text),
          receivedAt: Date.now(),
        });
        fake.answer(response);
      });
    });
    server.on("connection", (socket: Socket) => {
      fake.sockets.add(socket);
      socket.on("close", () => fake.sockets.delete(socket));
    });
    return fake;
  }

  /** Queues replies for the next requests. */
  reply(...replies: Reply[]): this {
    this.replies.push(...replies);
    return this;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private answer(response: ServerResponse): void {
    const reply = this.replies.shift() ?? { status: 599, json: { error: { message: "no reply queued" } } };
    if ("drop" in reply) {
      response.socket?.destroy();
      return;
    }
    if ("hang" in reply) {
      response.on("close", () => {
        if (!response.writableEnded) this.abandoned++;
      });
      return;
    }
    const isJson = "json" in reply;
    response.writeHead(reply.status ?? 200, {
      "content-type": isJson ? "application/json" : "text/plain",
      ...reply.headers,
    });
    response.end(isJson ? JSON.stringify(reply.json) : reply.text);
  }
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Polls `condition` every 10 ms until it holds; false if it still does not after `timeoutMs` (30 s by
 * default: a loaded machine may be slow, a condition that holds ends the wait at once).
 */
export async function eventually(condition: () => boolean, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return true;
}

/** The error `promise` rejects with; fails the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error("expected a rejection, but the promise resolved");
    },
    (error: unknown) => error,
  );
}
