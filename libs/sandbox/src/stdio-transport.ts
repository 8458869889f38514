import { ReadBuffer, serializeMessage } from "@modelcontextprotocol/sdk/shared/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { OutputCapture } from "./output-capture.js";
import type { Sandbox, SandboxedCommand, SandboxedOutcome, SandboxedProcess } from "./sandbox.js";

/** How long a server may take to exit after its stdin closes before the sandbox is stopped. */
const CLOSE_GRACE_MS = 500;

/**
 * A Model Context Protocol client transport to a server started over stdio inside a sandbox: the
 * server's stdin and stdout carry newline-delimited JSON-RPC, its stderr is captured (capped). Closing
 * ends stdin, waits briefly for the server to exit, then stops everything in its sandbox.
 */
export class SandboxedStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private process: SandboxedProcess | undefined;
  private readonly buffer = new ReadBuffer();
  private readonly emptyStderr = new OutputCapture(0);

  constructor(
    private readonly sandbox: Sandbox,
    private readonly command: Omit<SandboxedCommand, "stdio">,
  ) {}

  /** The server's captured stderr (empty until started). */
  get stderr(): OutputCapture {
    return this.process?.stderr ?? this.emptyStderr;
  }

  /** How the server ended; undefined until it has started. */
  get outcome(): Promise<SandboxedOutcome> | undefined {
    return this.process?.done;
  }

  async start(): Promise<void> {
    if (this.process !== undefined) throw new Error("the sandboxed stdio transport is already started");
    const process = await this.sandbox.start({ ...this.command, stdio: "protocol" });
    this.process = process;
    process.stdout?.on("data", (chunk: Buffer) => {
      this.buffer.append(chunk);
      for (;;) {
        let message: JSONRPCMessage | null;
        try {
          message = this.buffer.readMessage();
        } catch (error) {
          this.onerror?.(error as Error);
          continue;
        }
        if (message === null) break;
        this.onmessage?.(message);
      }
    });
    process.stdin?.on("error", (error: Error) => this.onerror?.(error));
    void process.done.then(
      (outcome) => {
        if (outcome.setupError !== undefined) this.onerror?.(new Error(outcome.setupError));
        this.onclose?.();
      },
      (error: unknown) => {
        this.onerror?.(error as Error);
        this.onclose?.();
      },
    );
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.process?.stdin;
    if (!stdin || stdin.destroyed) return Promise.reject(new Error("Not connected"));
    return new Promise((resolve) => {
      if (stdin.write(serializeMessage(message))) resolve();
      else stdin.once("drain", resolve);
    });
  }

  /** Stops the server at once (and everything else in its sandbox). */
  kill(): void {
    this.process?.stop();
  }

  async close(): Promise<void> {
    const process = this.process;
    if (process === undefined) return;
    process.stdin?.end();
    const exited = await Promise.race([
      process.done.then(
        () => true,
        () => true,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), CLOSE_GRACE_MS).unref()),
    ]);
    if (!exited) process.stop();
    await process.done.catch(() => undefined);
    this.buffer.clear();
  }
}
