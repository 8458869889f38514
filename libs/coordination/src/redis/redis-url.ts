import type { RedisOptions } from "ioredis";

/** URL schemes a Redis address may use: plain, TLS, and through Sentinel (plain or TLS). */
export const REDIS_URL_PROTOCOLS = ["redis:", "rediss:", "redis+sentinel:", "rediss+sentinel:"] as const;

/**
 * What ioredis needs to reach the Redis a URL names: `redis://` and `rediss://` (TLS) go to ioredis
 * as they are; `redis+sentinel://[user:password@]host:port[,host:port…]/<master>[/<db>]` asks the
 * Sentinels for the current master of `<master>` (and again after a failover); `rediss+sentinel://`
 * does the same over TLS to the Sentinels and the master. The password is the master's and is also
 * sent to the Sentinels. Throws an Error naming what is wrong (never echoing the password).
 */
export function redisConnection(url: string): { url: string } | { options: RedisOptions } {
  const scheme = /^([a-z+]+):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme === "redis" || scheme === "rediss") return { url };
  if (scheme !== "redis+sentinel" && scheme !== "rediss+sentinel") {
    throw new Error(`a Redis URL must start with ${REDIS_URL_PROTOCOLS.map((p) => `${p}//`).join(", ")}`);
  }
  const rest = url.slice(scheme.length + 3);
  const at = rest.lastIndexOf("@");
  const auth = at >= 0 ? rest.slice(0, at) : "";
  const [hostList = "", master = "", db, ...extra] = (at >= 0 ? rest.slice(at + 1) : rest).split("/");
  if (!master || extra.length) {
    throw new Error(
      `a Sentinel URL is ${scheme}://[user:password@]host:port[,host:port…]/<master name>[/<db>]`,
    );
  }
  const sentinels = hostList.split(",").map((entry) => {
    const match = /^(\[[0-9a-f:]+\]|[^:[\]]+)(?::(\d{1,5}))?$/i.exec(entry.trim());
    const port = Number(match?.[2] ?? 26379);
    if (!match?.[1] || port < 1 || port > 65535) throw new Error(`"${entry}" is not a Sentinel host:port`);
    return { host: match[1].replace(/^\[|\]$/g, ""), port };
  });
  const database = db === undefined || db === "" ? 0 : Number(db);
  if (!Number.isInteger(database) || database < 0) throw new Error(`"${db}" is not a Redis database number`);
  const colon = auth.indexOf(":");
  const username = decodeURIComponent(colon >= 0 ? auth.slice(0, colon) : "") || undefined;
  const password = colon >= 0 ? decodeURIComponent(auth.slice(colon + 1)) || undefined : undefined;
  const tls = scheme === "rediss+sentinel";
  return {
    options: {
      sentinels,
      name: decodeURIComponent(master),
      // A demoted master drops its clients or answers READONLY: reconnect, asking the Sentinels
      // again. (ioredis's failoverDetector keeps its Sentinel connections open after QUIT: not used.)
      reconnectOnError: (err: Error) => (err.message.startsWith("READONLY") ? 1 : false),
      db: database,
      ...(username ? { username, sentinelUsername: username } : {}),
      ...(password ? { password, sentinelPassword: password } : {}),
      ...(tls ? { tls: {}, sentinelTLS: {}, enableTLSForSentinelMode: true } : {}),
    },
  };
}
