import { loadConfig, withSection, zodProblems, type ServiceConfig } from "@mcp/runtime";
import { z } from "zod";
import { parseSecretsKeyring, SecretsKeyError, type SecretsKeyring } from "./secrets/keyring.js";
import { retentionEnv, retentionSettings, type RetentionSettings } from "./retention/retention-config.js";
import { PriceTable } from "./usage/price-table.js";

/** The executor's own settings (EXECUTOR_*, SECRETS_KEY). */
export interface ExecutorSettings {
  /** A claimed run's lease; a dead executor's runs are resumed by another after it. */
  readonly leaseMs: number;
  /** Most runs one executor drives at once. */
  readonly maxConcurrentRuns: number;
  /** How often an executor looks for claimable runs besides being woken. */
  readonly pollMs: number;
  /**
   * How often an executor looks for executors whose database session ended (they died) to take
   * their runs over at once (ADR 024); 0 = no fast failover (this executor holds no session and
   * waits for leases to expire, as the others then do for it).
   */
  readonly failoverPollMs: number;
  /** A step's "running" row is written once it has run this long; quicker steps get one write. */
  readonly startWriteDelayMs: number;
  /**
   * A run taken over this many times without any step finishing (its executors keep crashing,
   * stalling or failing) ends FAILED with RECOVERY_LIMIT instead of being run again.
   */
  readonly maxRecoveries: number;
  /** How often an executor looks for due schedule ticks (SCHEDULE_POLL_MS; 0 = this executor fires none). */
  readonly schedulePollMs: number;
  /**
   * How often an executor checks whether the run tables need ANALYZE because autovacuum leaves them
   * alone (docs/adr/032); 0 = never.
   */
  readonly statisticsCheckMs: number;
  /**
   * The secrets store's keys (`SECRETS_KEY`); undefined when unset (the store then refuses every
   * call). The key bytes never serialise: a logged config shows only the key ids.
   */
  readonly secrets: SecretsKeyring | undefined;
  /** Largest webhook body (`POST /hooks/<name>`) accepted; larger ones are refused with 413. */
  readonly webhookMaxBodyBytes: number;
  /** Run retention (RUN_RETENTION_*): off unless RUN_RETENTION_DAYS is set. */
  readonly retention: RetentionSettings;
  /** What LLM tokens cost per model (LLM_PRICES or LLM_PRICES_FILE); empty when neither is set. */
  readonly llmPrices: PriceTable;
}

/** The executor's configuration: every service's, and its own section. */
export interface ExecutorConfig extends ServiceConfig {
  readonly executor: ExecutorSettings;
}

const empty = (v: unknown) => (v === "" ? undefined : v);
const whole = (min: number, max: number, fallback: number) =>
  z.preprocess(empty, z.coerce.number().int().min(min).max(max).default(fallback));

const schema = z.object({
  EXECUTOR_LEASE_MS: whole(300, 600_000, 2_000),
  EXECUTOR_MAX_RUNS: whole(1, 10_000, 64),
  EXECUTOR_POLL_MS: whole(50, 600_000, 500),
  EXECUTOR_FAILOVER_POLL_MS: whole(0, 60_000, 100),
  EXECUTOR_START_WRITE_DELAY_MS: whole(0, 60_000, 50),
  EXECUTOR_MAX_RECOVERIES: whole(1, 1_000, 5),
  WEBHOOK_MAX_BODY_BYTES: whole(1, 64 * 1024 * 1024, 1024 * 1024),
  ...retentionEnv,
  SCHEDULE_POLL_MS: whole(0, 60_000, 500),
  EXECUTOR_STATISTICS_CHECK_MS: whole(0, 3_600_000, 10_000),
});

/** Parses the environment into a frozen ExecutorConfig; a ConfigError names every bad variable. */
export function loadExecutorConfig(env: NodeJS.ProcessEnv = process.env): ExecutorConfig {
  const { config, section } = withSection(() => loadConfig("executor", env), settingsOf, env);
  return Object.freeze({ ...config, executor: section });
}

function settingsOf(env: NodeJS.ProcessEnv): { value?: ExecutorSettings; problems: string[] } {
  const parsed = schema.safeParse(env);
  const secrets = secretsKeyring(env["SECRETS_KEY"]);
  const prices = priceTable(env);
  const problems = [
    ...(parsed.success ? [] : zodProblems(parsed.error)),
    ...(Array.isArray(secrets) ? secrets : []),
    ...(typeof prices === "string" ? [prices] : []),
  ];
  if (!parsed.success || Array.isArray(secrets) || typeof prices === "string") return { problems };
  const e = parsed.data;
  return {
    value: Object.freeze({
      leaseMs: e.EXECUTOR_LEASE_MS,
      maxConcurrentRuns: e.EXECUTOR_MAX_RUNS,
      pollMs: e.EXECUTOR_POLL_MS,
      failoverPollMs: e.EXECUTOR_FAILOVER_POLL_MS,
      startWriteDelayMs: e.EXECUTOR_START_WRITE_DELAY_MS,
      maxRecoveries: e.EXECUTOR_MAX_RECOVERIES,
      schedulePollMs: e.SCHEDULE_POLL_MS,
      statisticsCheckMs: e.EXECUTOR_STATISTICS_CHECK_MS,
      secrets,
      webhookMaxBodyBytes: e.WEBHOOK_MAX_BODY_BYTES,
      retention: retentionSettings(e),
      llmPrices: prices,
    }),
    problems,
  };
}

/** The price table, or the problem with it. */
function priceTable(env: NodeJS.ProcessEnv): PriceTable | string {
  try {
    return PriceTable.fromEnv(env);
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * SECRETS_KEY, parsed apart from the zod schema so that no parse result or issue ever holds its text:
 * the keyring, undefined when unset or blank, or the problems (which never quote key material).
 */
function secretsKeyring(value: string | undefined): SecretsKeyring | undefined | string[] {
  if (value === undefined || value.trim() === "") return undefined;
  try {
    return parseSecretsKeyring(value.trim());
  } catch (err) {
    if (err instanceof SecretsKeyError) return [...err.problems];
    throw err;
  }
}

export {
  derivedKeyId,
  parseSecretsKeyring,
  SecretsKeyError,
  type SecretsKeyring,
} from "./secrets/keyring.js";
