/** Test helpers for sandboxed processes; not part of the runtime API. */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

/** True when `pid` no longer runs: no such process, or a zombie nobody has reaped yet. */
export function processIsGone(pid: number): boolean {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return true;
  }
  const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
  return state === "Z" || state === "X";
}

/** Polls `condition` every 25 ms until it holds; false if it still does not after `timeoutMs`. */
export async function eventually(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return true;
}

/** The pids of live processes whose command line contains `marker` (zombies excluded). */
export function processesWith(marker: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((pid) => commandLineOf(pid)?.includes(marker) === true && !processIsGone(pid));
}

/** `pid`'s command line, its arguments joined by spaces; undefined when it is gone. */
export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ").trimEnd();
  } catch {
    return undefined;
  }
}

export { processesBelow } from "./process-tree.js";

/** A host outside this machine, as far as a sandbox can tell: a network namespace with its own address. */
export interface OutsideHost {
  /** The host's address (in TEST-NET-3, 203.0.113.0/24). */
  readonly address: string;
  /** This machine's address on the link to it (a host address: sandboxes must not reach it). */
  readonly gateway: string;
  /** A TCP port on which the host answers `outside-ok` and closes. */
  readonly port: number;
  close(): void;
}

/**
 * Starts an outside host for egress tests: a network namespace joined to this one by a veth pair on
 * a random /30 of 203.0.113.0/24, running a one-line TCP server. Needs root.
 *
 * The namespace is the server's own (`unshare --net`), so it lives exactly as long as the server: no
 * `ip netns add`, whose bind mount under /run/netns was seen lost while sandboxes were being set up
 * beside it (the veth then vanished with its half-made namespace, or `ip` answered "Invalid argument").
 */
export async function startOutsideHost(): Promise<OutsideHost> {
  const { execFileSync, spawn } = await import("node:child_process");
  const { connect } = await import("node:net");
  const { networkInterfaces } = await import("node:os");
  const id = Math.random().toString(36).slice(2, 8);
  // a /30 no other outside host on this machine uses (another suite may run one at the same time)
  const taken = new Set(
    Object.values(networkInterfaces())
      .flatMap((list) => list ?? [])
      .map((a) => a.address),
  );
  const free = Array.from({ length: 64 }, (_, i) => 4 * i).filter((b) => !taken.has(`203.0.113.${b + 1}`));
  const block = free[Math.floor(Math.random() * free.length)] ?? 0;
  const gateway = `203.0.113.${block + 1}`;
  const address = `203.0.113.${block + 2}`;
  const port = 18080;
  const server = spawn(
    "unshare",
    [
      "--net",
      "python3",
      "-c",
      `import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("0.0.0.0", ${port})); s.listen(16)
while True:
    c, _ = s.accept(); c.sendall(b"outside-ok"); c.close()`,
    ],
    { stdio: "ignore" },
  );
  const close = () => {
    // the namespace, and the veth pair with it, goes with its last process
    server.kill("SIGKILL");
  };
  const ip = (...args: string[]) => execFileSync("ip", args, { stdio: "pipe" });
  const inside = (...args: string[]) =>
    execFileSync("nsenter", [`--target=${server.pid}`, "--net", "ip", ...args], { stdio: "pipe" });
  try {
    const pid = server.pid;
    if (pid === undefined) throw new Error("unshare could not be started");
    // unshare execs python3 in the new namespace: wait until the process is in it
    const own = readlinkSync("/proc/self/ns/net");
    const deadline = Date.now() + 10_000;
    for (;;) {
      const netns = netnsOf(pid);
      if (netns !== undefined && netns !== own) break;
      if (netns === undefined || Date.now() > deadline)
        throw new Error("the outside host's network namespace was not made");
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    ip("link", "add", `vh${id}`, "type", "veth", "peer", "name", `vp${id}`, "netns", String(pid));
    ip("addr", "add", `${gateway}/30`, "dev", `vh${id}`);
    ip("link", "set", `vh${id}`, "up");
    inside("addr", "add", `${address}/30`, "dev", `vp${id}`);
    inside("link", "set", `vp${id}`, "up");
    inside("link", "set", "lo", "up");
  } catch (error) {
    close();
    throw error;
  }
  const answers = () =>
    new Promise<boolean>((resolve) => {
      const socket = connect({ host: address, port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
  const deadline = Date.now() + 10_000;
  while (!(await answers())) {
    if (Date.now() > deadline) {
      close();
      throw new Error(`the outside host ${address}:${port} did not start listening`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { address, gateway, port, close };
}

/** The network namespace `pid` is in (as /proc names it); undefined when it is gone. */
function netnsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/net`);
  } catch {
    return undefined;
  }
}
