import { randomBytes } from "node:crypto";
import { ConfigError } from "@mcp/runtime";
import { derivedKeyId, loadExecutorConfig } from "./config.js";

describe("loadExecutorConfig", () => {
  it("reads the executor's section with its defaults, and the common settings", () => {
    const c = loadExecutorConfig({ EXECUTOR_LEASE_MS: "3000" });
    expect(c.executor).toMatchObject({ leaseMs: 3000, maxConcurrentRuns: 64, pollMs: 500, maxRecoveries: 5 });
    expect(c.service).toBe("executor");
    expect(c.port).toBe(50053);
  });

  it("names a bad executor variable beside a bad common one", () => {
    let error: unknown;
    try {
      loadExecutorConfig({ EXECUTOR_MAX_RECOVERIES: "0", PORT: "x" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toHaveLength(2);
    expect((error as ConfigError).message).toContain("EXECUTOR_MAX_RECOVERIES");
  });

  it("reads SECRETS_KEY into the executor section as a keyring that serialises as key ids only", () => {
    const key = randomBytes(32);
    expect(loadExecutorConfig({}).executor.secrets).toBeUndefined();
    expect(loadExecutorConfig({ SECRETS_KEY: "  " }).executor.secrets).toBeUndefined();
    const c = loadExecutorConfig({ SECRETS_KEY: `new:${key.toString("base64")},${key.toString("hex")}` });
    expect(c.executor.secrets?.ids).toEqual(["new", derivedKeyId(key)]);
    const logged = JSON.stringify(c);
    expect(logged).not.toContain(key.toString("base64"));
    expect(logged).not.toContain(key.toString("hex"));
    expect(logged).toContain('"secrets":{"keyIds":["new"');
  });

  it("refuses a bad SECRETS_KEY beside the other bad variables, without echoing it", () => {
    const value = randomBytes(20).toString("base64");
    let error: unknown;
    try {
      loadExecutorConfig({ SECRETS_KEY: value, PORT: "x" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems, message } = error as ConfigError;
    expect(problems).toHaveLength(2);
    expect(message).toContain("SECRETS_KEY: the key decodes to 20 bytes; AES-256 needs exactly 32");
    expect(message).not.toContain(value);
  });
});
