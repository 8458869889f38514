import { readFileSync } from "node:fs";
import { createServer } from "node:net";

/** The lowest port a test picks; below are the well-known ones. */
const LOWEST = 10_000;

/**
 * A port nothing listens on, for a server a test starts a while later (a child process, a Redis or
 * PostgreSQL brought back on the same port).
 *
 * It is chosen below the kernel's ephemeral range (`net.ipv4.ip_local_port_range`), never from
 * `listen(0)`. A port from that range can be given to any outgoing connection on the machine in
 * the seconds before the server binds it (the tests running beside make thousands), and the
 * server's bind then fails with EADDRINUSE. Below the range only a listener can hold it, and that
 * is checked by binding it on every address once.
 */
export async function freePort(): Promise<number> {
  const highest = ephemeralRangeStart() - 1;
  if (highest - LOWEST < 1_000) return kernelPort(); // an unusual range: leave it to the kernel
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (highest - LOWEST + 1));
    if (await canListen(port)) return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${highest} after 200 tries`);
}

function ephemeralRangeStart(): number {
  try {
    const [low] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/);
    const start = Number(low);
    return Number.isInteger(start) && start > 0 ? start : 32_768;
  } catch {
    return 32_768; // Linux's default, where /proc is not there to read
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "0.0.0.0", () => server.close(() => resolve(true)));
  });
}

function kernelPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}
