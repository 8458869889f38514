import { spawn, type ChildProcess } from "node:child_process";

/**
 * A stand-in OTLP/HTTP collector in its own process (as a real collector would be): accepts every
 * `POST /v1/traces`, reads the body, answers 200 and counts the bytes. The figure measures what the
 * traced process pays, not what a collector does with the spans.
 */
const SINK = `
const http = require("node:http");
let requests = 0, bytes = 0;
const server = http.createServer((req, res) => {
  req.on("data", (c) => { bytes += c.length; });
  req.on("end", () => { requests++; res.writeHead(200, { "content-type": "application/x-protobuf" }).end(); });
});
server.listen(0, "127.0.0.1", () => process.stdout.write(JSON.stringify({ port: server.address().port }) + "\\n"));
process.on("SIGTERM", () => { process.stderr.write(JSON.stringify({ requests, bytes }) + "\\n"); process.exit(0); });
`;

export interface OtlpSink {
  readonly url: string;
  /** Stops the sink (once; later calls get the same answer); resolves with what it received. */
  stop(): Promise<{ requests: number; bytes: number }>;
}

export async function startOtlpSink(): Promise<OtlpSink> {
  const child: ChildProcess = spawn(process.execPath, ["-e", SINK], { stdio: ["ignore", "pipe", "pipe"] });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.once("data", (chunk: Buffer) =>
      resolve((JSON.parse(chunk.toString()) as { port: number }).port),
    );
    child.once("exit", (code) => reject(new Error(`the OTLP sink exited with ${code}`)));
  });
  let stopped: Promise<{ requests: number; bytes: number }> | undefined;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      (stopped ??= new Promise((resolve) => {
        let err = "";
        child.stderr?.on("data", (c: Buffer) => (err += c.toString()));
        child.once("exit", () =>
          resolve(
            JSON.parse(err.trim() || '{"requests":0,"bytes":0}') as { requests: number; bytes: number },
          ),
        );
        child.kill("SIGTERM");
      })),
  };
}
