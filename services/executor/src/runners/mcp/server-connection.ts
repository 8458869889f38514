import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { HttpTransport, StdioTransport } from "@mcp/proto/registry";
import { OutputCapture } from "../../sandbox/output-capture.js";

/** How long a stdio server may ignore SIGTERM before it gets SIGKILL. */
export const KILL_GRACE_MS = 500;

/** A client transport to one MCP server and what the runner needs around it. */
export interface ServerConnection {
  readonly transport: Transport;
  /** Names the server in messages: `stdio server "node server.js"` or `server at http://…`. */
  readonly label: string;
  /** The stdio server's stderr (head kept, capped); undefined over HTTP. */
  readonly stderr: OutputCapture | undefined;
  /** Stops the server at once: a stdio child gets SIGTERM, then SIGKILL after a short grace. */
  kill(): void;
}

/**
 * A stdio server started with `command args` in `cwd`. Its environment is the SDK's minimal safe set
 * (HOME, LOGNAME, PATH, SHELL, TERM, USER) plus the config's `env`; its stderr is piped and captured.
 */
export function stdioConnection(
  stdio: StdioTransport,
  cwd: string,
  outputCapBytes: number | undefined,
): ServerConnection {
  const transport = new StdioClientTransport({
    command: stdio.command,
    args: [...stdio.args],
    env: { ...stdio.env },
    cwd,
    stderr: "pipe",
  });
  const stderr = new OutputCapture(outputCapBytes);
  transport.stderr?.on("data", (chunk: Buffer | string) =>
    stderr.write(typeof chunk === "string" ? Buffer.from(chunk) : chunk),
  );
  return {
    transport,
    label: `stdio server "${shorten([stdio.command, ...stdio.args].join(" "))}"`,
    stderr,
    kill() {
      const pid = transport.pid;
      if (pid === null) return;
      signal(pid, "SIGTERM");
      // The transport forgets the pid once the child has closed: no SIGKILL for a reused pid.
      setTimeout(() => {
        if (transport.pid === pid) signal(pid, "SIGKILL");
      }, KILL_GRACE_MS).unref();
    },
  };
}

/** A Streamable HTTP server at `http.url`, every request carrying the config's headers. */
export function httpConnection(http: HttpTransport): ServerConnection {
  const url = new URL(http.url);
  return {
    transport: new StreamableHTTPClientTransport(url, { requestInit: { headers: { ...http.headers } } }),
    // Origin and path only: credentials or tokens in the URL never reach a message.
    label: `server at ${url.origin}${url.pathname}`,
    stderr: undefined,
    kill() {
      // Closing the transport (which the runner always does) aborts its requests.
    },
  };
}

/** Keeps messages readable when the command line is long (an inline script, many flags). */
function shorten(text: string, max = 120): string {
  const line = text.replace(/\s+/g, " ");
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}
