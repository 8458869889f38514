import { createServer, type Http2Server, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { create } from "@bufbuild/protobuf";
import { createClient, type Client } from "@connectrpc/connect";
import { connectNodeAdapter, createGrpcTransport } from "@connectrpc/connect-node";
import { GetMcpResponseSchema, RegistryService } from "@mcp/proto/registry";

/**
 * A bare Connect server: GetMcp answers an empty response at once; no interceptors, no I/O — or,
 * given `work`, once `work` is done (the floor of a call that must write before it answers).
 */
export interface BareServer {
  readonly client: Client<typeof RegistryService>;
  stop(): Promise<void>;
}

export async function startBareServer(work?: () => Promise<void>): Promise<BareServer> {
  const response = create(GetMcpResponseSchema, {});
  const getMcp = work ? () => work().then(() => response) : () => response;
  const server: Http2Server = createServer(
    connectNodeAdapter({ routes: (router) => router.service(RegistryService, { getMcp }) }),
  );
  const sessions = new Set<ServerHttp2Session>();
  server.on("session", (session: ServerHttp2Session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    client: createClient(RegistryService, createGrpcTransport({ baseUrl: `http://127.0.0.1:${port}` })),
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const session of sessions) session.destroy(); // the client keeps its session open
      }),
  };
}
