import { spawn, type ChildProcess } from "node:child_process";
import type { Readable, Writable } from "node:stream";
import { hostAddresses } from "./egress-deny.js";
import { OutputCapture } from "./output-capture.js";

/** Bound on attaching the user-mode network to a new sandbox. */
const ATTACH_TIMEOUT_MS = 10_000;

/** The programs and rules that give a sandbox outside access, and the user they run as. */
export interface EgressTools {
  /** `slirp4netns`: a user-mode TCP/IP stack; the sandbox's only way out. */
  readonly slirp4netns: string;
  readonly nsenter: string;
  readonly ip: string;
  /** IPv4 networks (CIDR) the sandbox must never reach besides the host's own addresses: private ranges, the platform. */
  readonly deny: readonly string[];
}

/** A sandbox's network link; closing it stops slirp4netns. */
export interface EgressLink {
  close(): void;
}

/** Attaching the network failed; the message says which part and what it printed. */
export class EgressError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EgressError";
  }
}

/**
 * Gives the sandbox whose user and network namespaces belong to `pid` a way out (the helpers run as
 * the executor's own user: slirp4netns needs /dev/net/tun, and drops its privileges itself): slirp4netns with
 * the host's loopback disabled (`10.0.2.2` does not reach 127.0.0.1) configures `tap0` (10.0.2.100,
 * DNS forwarder 10.0.2.3); then every network of `deny` and every address of this host gets a
 * `prohibit` route inside the sandbox,
 * so a connection there fails with EACCES before it leaves. The sandbox's processes cannot change
 * routes (no capabilities, no new user namespaces). Resolves once both are done.
 */
export async function attachEgress(pid: number, tools: EgressTools): Promise<EgressLink> {
  const slirp = spawn(
    tools.slirp4netns,
    [
      "--configure",
      "--mtu=65520",
      "--disable-host-loopback",
      "--enable-sandbox",
      "--enable-seccomp",
      "--ready-fd=3",
      "--exit-fd=4",
      // root joins the network namespace directly; a plain user first joins the sandbox's user
      // namespace, which it owns (root joining that one loses its rights over the network namespace)
      ...(asRoot() ? [] : [`--userns-path=/proc/${pid}/ns/user`]),
      "--netns-type=path",
      `/proc/${pid}/ns/net`,
      "tap0",
    ],
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
  );
  const log = new OutputCapture(8 * 1024);
  slirp.stderr?.on("data", (chunk: Buffer) => log.write(chunk));
  // its pipes fail when it dies early; "exit" and the ready timeout report that
  for (const pipe of slirp.stdio) pipe?.on("error", () => undefined);
  const link: EgressLink = {
    close() {
      (slirp.stdio[4] as Writable | null)?.destroy();
      if (slirp.exitCode === null && slirp.signalCode === null) slirp.kill("SIGKILL");
    },
  };
  try {
    await ready(slirp, log);
    await denyRoutes(pid, tools);
    return link;
  } catch (error) {
    link.close();
    throw error;
  }
}

function ready(slirp: ChildProcess, log: OutputCapture): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      reject(new EgressError(`slirp4netns ${why}${tail(log)}`));
    };
    const timer = setTimeout(
      () => fail(`did not get ready within ${ATTACH_TIMEOUT_MS} ms`),
      ATTACH_TIMEOUT_MS,
    );
    slirp.once("error", (error) => fail(`could not be started: ${error.message}`));
    slirp.once("exit", (code, signal) => fail(`exited before it was ready (${code ?? signal})`));
    (slirp.stdio[3] as Readable).once("data", () => {
      clearTimeout(timer);
      slirp.removeAllListeners("exit");
      resolve();
    });
  });
}

function denyRoutes(pid: number, tools: EgressTools): Promise<void> {
  const deny = [...new Set([...tools.deny, ...hostAddresses()])];
  const batch = deny.map((cidr) => `route add prohibit ${cidr}\n`).join("");
  const ip = spawn(
    tools.nsenter,
    [
      `--target=${pid}`,
      ...(asRoot() ? ["--net"] : ["--user", "--net", "--preserve-credentials"]),
      tools.ip,
      "-batch",
      "-",
    ],
    { stdio: ["pipe", "ignore", "pipe"] },
  );
  const log = new OutputCapture(8 * 1024);
  ip.stderr?.on("data", (chunk: Buffer) => log.write(chunk));
  // nsenter may exit before it read the batch (the sandbox already ended): EPIPE or ECONNRESET on its
  // pipes is then expected, and the exit code below says what happened
  for (const pipe of ip.stdio) pipe?.on("error", () => undefined);
  ip.stdin?.end(batch);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      ip.kill("SIGKILL");
      reject(new EgressError(`adding the sandbox's deny routes timed out${tail(log)}`));
    }, ATTACH_TIMEOUT_MS);
    ip.once("error", (error) => {
      clearTimeout(timer);
      reject(new EgressError(`could not start ${tools.nsenter}: ${error.message}`));
    });
    ip.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new EgressError(`adding the sandbox's deny routes failed (exit ${code})${tail(log)}`));
    });
  });
}

function tail(log: OutputCapture): string {
  const text = log.lastLines(5);
  return text === "" ? "" : `: ${text}`;
}

function asRoot(): boolean {
  return process.getuid?.() === 0;
}
