import { Writable } from "node:stream";
import { createContextValues, Code, ConnectError } from "@connectrpc/connect";
import { MethodOptions_IdempotencyLevel } from "@bufbuild/protobuf/wkt";
import { createLogger } from "../logger";
import { loggingInterceptor } from "./logging";

/** A logger at debug whose lines are kept as objects. */
function recordingLogger() {
  const lines: Array<{ level: string; method: string; code: string }> = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as (typeof lines)[number]);
      done();
    },
  });
  return { lines, logger: createLogger({ service: "test", level: "debug", destination }) };
}

/** Calls the interceptor for a unary method of the given idempotency, answering with `answer`. */
async function call(
  interceptor: ReturnType<typeof loggingInterceptor>,
  name: string,
  idempotency: MethodOptions_IdempotencyLevel,
  answer: () => Promise<unknown>,
) {
  const req = {
    service: { typeName: "mcp.test.v1.TestService" },
    method: { name, idempotency },
    header: new Headers(),
    contextValues: createContextValues(),
  };
  const next = async () => {
    await answer();
    return { stream: false, header: new Headers(), trailer: new Headers(), message: {} };
  };
  // the interceptor reads only these fields of a request
  const handler = interceptor(next as never);
  await handler(req as never).catch(() => undefined);
}

describe("loggingInterceptor", () => {
  it("logs successful reads at debug, writes and failed reads at info, server faults at warn", async () => {
    const { lines, logger } = recordingLogger();
    const interceptor = loggingInterceptor(logger);
    const read = MethodOptions_IdempotencyLevel.NO_SIDE_EFFECTS;
    const write = MethodOptions_IdempotencyLevel.IDEMPOTENCY_UNKNOWN;
    await call(interceptor, "GetThing", read, () => Promise.resolve());
    await call(interceptor, "CreateThing", write, () => Promise.resolve());
    await call(interceptor, "GetThing", read, () =>
      Promise.reject(new ConnectError("no such thing", Code.NotFound)),
    );
    await call(interceptor, "GetThing", read, () => Promise.reject(new ConnectError("boom", Code.Internal)));
    expect(lines.map((l) => `${l.level} ${l.method.split("/")[1]} ${l.code}`)).toEqual([
      "debug GetThing ok",
      "info CreateThing ok",
      "info GetThing NotFound",
      "warn GetThing Internal",
    ]);
  });
});
