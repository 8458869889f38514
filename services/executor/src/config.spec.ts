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

  it("leaves run retention off by default and reads RUN_RETENTION_* when set", () => {
    expect(loadExecutorConfig({}).executor.retention).toEqual({
      days: undefined,
      intervalMs: 3_600_000,
      batchRuns: 500,
      pauseMs: 200,
    });
    expect(loadExecutorConfig({ RUN_RETENTION_DAYS: "off" }).executor.retention.days).toBeUndefined();
    const c = loadExecutorConfig({
      RUN_RETENTION_DAYS: "30",
      RUN_RETENTION_INTERVAL_MS: "60000",
      RUN_RETENTION_BATCH: "100",
      RUN_RETENTION_PAUSE_MS: "0",
    });
    expect(c.executor.retention).toEqual({ days: 30, intervalMs: 60_000, batchRuns: 100, pauseMs: 0 });
  });

  it("refuses a retention of zero days or a batch of none, naming the variables", () => {
    let error: unknown;
    try {
      loadExecutorConfig({ RUN_RETENTION_DAYS: "0", RUN_RETENTION_BATCH: "0" });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain("RUN_RETENTION_DAYS");
    expect((error as ConfigError).message).toContain("RUN_RETENTION_BATCH");
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

  it("reads the LLM price table and refuses a bad one, naming the variable", () => {
    const c = loadExecutorConfig({ LLM_PRICES: '{"models": {"m": {"input": "1", "output": "2"}}}' });
    expect(c.executor.llmPrices.has("m")).toBe(true);
    expect(() => loadExecutorConfig({ LLM_PRICES: '{"models": {"m": {"input": "cheap"}}}' })).toThrow(
      /LLM_PRICES: models\["m"\].input must be a non-negative decimal price/,
    );
  });
});
