import { redisConnection } from "./redis-url";

describe("redisConnection", () => {
  it("hands redis:// and rediss:// URLs to ioredis unchanged", () => {
    expect(redisConnection("redis://:pw@r:6379/2")).toEqual({ url: "redis://:pw@r:6379/2" });
    expect(redisConnection("rediss://r.example:6380")).toEqual({ url: "rediss://r.example:6380" });
  });

  it("reads Sentinels, the master name, the database and credentials from a Sentinel URL", () => {
    const c = redisConnection("redis+sentinel://u:p%40ss@s1:26380,s2,[::1]:26381/my-master/3");
    expect("options" in c && c.options).toMatchObject({
      sentinels: [
        { host: "s1", port: 26380 },
        { host: "s2", port: 26379 },
        { host: "::1", port: 26381 },
      ],
      name: "my-master",
      db: 3,
      username: "u",
      password: "p@ss",
      sentinelUsername: "u",
      sentinelPassword: "p@ss",
    });
    expect("options" in c && c.options.tls).toBeUndefined();
  });

  it("uses TLS to the Sentinels and the master with rediss+sentinel://", () => {
    const c = redisConnection("rediss+sentinel://s1:26379/m");
    expect("options" in c && c.options).toMatchObject({
      tls: {},
      sentinelTLS: {},
      enableTLSForSentinelMode: true,
    });
  });

  it.each([
    ["http://r:1", /must start with/],
    ["redis+sentinel://s1:26379", /master name/],
    ["redis+sentinel://s1:26379/m/1/x", /master name/],
    ["redis+sentinel://s1:99999/m", /not a Sentinel host:port/],
    ["redis+sentinel://s1:26379/m/-1", /not a Redis database number/],
  ])("refuses %s, saying what is wrong", (url, message) => {
    expect(() => redisConnection(url)).toThrow(message);
  });

  it("never puts the password in an error", () => {
    expect(() => redisConnection("redis+sentinel://u:secret@bad:port:x/m")).toThrow(/^(?!.*secret)/);
  });
});
