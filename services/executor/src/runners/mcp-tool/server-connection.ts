import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { HttpTransport, StdioTransport } from "@mcp/proto/registry";
import {
  sandboxEnv,
  SandboxedStdioTransport,
  type NetworkMode,
  type OutputCapture,
  type OutputListener,
  type ProcessLimits,
  type Sandbox,
} from "@mcp/sandbox";

/** A client transport to one MCP server and what the runner needs around it. */
export interface ServerConnection {
  readonly transport: Transport;
  /** Names the server in messages: `stdio server "node server.js"` or `server at http://…`. */
  readonly label: string;
  /** The stdio server's stderr (head kept, capped); undefined over HTTP. */
  readonly stderr: OutputCapture | undefined;
  /** Stops the server at once: a stdio server's sandbox is torn down with everything in it. */
  kill(): void;
}

/** Where and how a stdio server runs. */
export interface StdioPlacement {
  readonly sandbox: Sandbox;
  /** Its private work dir (HOME, and the working directory unless `cwd` is given). */
  readonly workDir: string;
  /** The configured working directory, already checked to be readable in the sandbox. */
  readonly cwd?: string;
  readonly network: NetworkMode;
  /** The step's secrets, as environment variables. */
  readonly secrets: Record<string, string>;
  readonly limits: ProcessLimits;
  /** Bound on the server's whole life (the attempt's deadline stops it earlier). */
  readonly timeoutMs: number;
  readonly outputCapBytes: number | undefined;
  /** Told the server's stderr as it is written (live logs). */
  readonly onOutput?: OutputListener;
}

/**
 * A stdio server started with `command args` in a sandbox. Its environment is the sandbox's minimal
 * set (PATH, HOME, TMPDIR, locale) plus the config's `env` and the step's secrets; its stderr is
 * captured (capped) and told to `onOutput` as it is written.
 */
export function stdioConnection(stdio: StdioTransport, placement: StdioPlacement): ServerConnection {
  const { sandbox } = placement;
  const transport = new SandboxedStdioTransport(sandbox, {
    command: stdio.command,
    args: [...stdio.args],
    workDir: placement.workDir,
    ...(placement.cwd === undefined ? {} : { cwd: placement.cwd }),
    env: {
      ...sandboxEnv({ home: placement.workDir, basePath: sandbox.searchPath }),
      ...stdio.env,
      ...placement.secrets,
    },
    network: placement.network,
    limits: placement.limits,
    timeoutMs: placement.timeoutMs,
    ...(placement.outputCapBytes === undefined ? {} : { outputCapBytes: placement.outputCapBytes }),
    ...(placement.onOutput === undefined ? {} : { onOutput: placement.onOutput }),
  });
  return {
    transport,
    label: `stdio server "${shorten([stdio.command, ...stdio.args].join(" "))}"`,
    get stderr() {
      return transport.stderr;
    },
    kill: () => transport.kill(),
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
