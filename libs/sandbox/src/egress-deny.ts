import { lookup } from "node:dns/promises";
import { isIPv4 } from "node:net";
import { networkInterfaces } from "node:os";

/**
 * Networks no sandbox reaches even with egress: private (RFC 1918) and carrier-grade NAT ranges,
 * link-local (cloud metadata at 169.254.169.254 included), "this network", multicast and reserved.
 * The sandbox's own loopback is not affected (local routes win).
 */
export const ALWAYS_DENIED = [
  "0.0.0.0/8",
  "10.0.0.0/8",
  "100.64.0.0/10",
  "169.254.0.0/16",
  "172.16.0.0/12",
  "192.0.0.0/24",
  "192.168.0.0/16",
  "198.18.0.0/15",
  "224.0.0.0/4",
  "240.0.0.0/4",
] as const;

/** True for `a.b.c.d/n` with n in 0..32. */
export function isIpv4Cidr(value: string): boolean {
  const [address, bits, ...rest] = value.split("/");
  if (rest.length > 0 || address === undefined || bits === undefined || !/^\d{1,2}$/.test(bits)) return false;
  return isIPv4(address) && Number(bits) <= 32;
}

/**
 * What a sandbox with egress must not reach besides the host's own addresses ({@link hostAddresses}):
 * {@link ALWAYS_DENIED}, the addresses the platform's URLs resolve to (database, Redis, the other
 * services; loopback ones are the sandbox's own loopback anyway) and `extra` (the operator's
 * SANDBOX_EGRESS_DENY). Unresolvable URL hosts are skipped.
 */
export async function egressDenyList(options: {
  readonly platformUrls: readonly string[];
  readonly extra: readonly string[];
}): Promise<string[]> {
  const platform = await Promise.all(
    options.platformUrls.map(async (url) => {
      const host = hostOf(url);
      if (host === undefined) return [];
      if (isIPv4(host)) return [`${host}/32`];
      const found = await lookup(host, { all: true, family: 4 }).catch(() => []);
      return found.map((entry) => `${entry.address}/32`);
    }),
  );
  const platformAddresses = platform.flat().filter((cidr) => !cidr.startsWith("127."));
  return [...new Set([...ALWAYS_DENIED, ...platformAddresses, ...options.extra])];
}

/**
 * Every IPv4 address of this host's interfaces but loopback, as /32 networks. Read when a sandbox
 * starts, so interfaces that came up after start-up (a container bridge) count too.
 */
export function hostAddresses(): string[] {
  return Object.values(networkInterfaces())
    .flatMap((list) => list ?? [])
    .filter((address) => address.family === "IPv4" && !address.internal)
    .map((address) => `${address.address}/32`);
}

function hostOf(url: string): string | undefined {
  try {
    const host = new URL(url).hostname.replace(/^\[|\]$/g, "");
    return host === "" ? undefined : host;
  } catch {
    return undefined;
  }
}
