export * from "./entities/index.js";
export { createDataSource, openDatabase, type DataSourceOptions } from "./data-source.js";
export { SchemaMismatchError, checkSchema, knownMigrations, type MigrationMode } from "./schema-check.js";
export { dbCall, translateDbError, isConnectionError, uniqueViolation } from "./errors.js";
export { untilReachable, type ReachOptions } from "./retry.js";
export {
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  pageSize,
  encodePageToken,
  decodePageToken,
  toPage,
  keysetPage,
  type Keyset,
  type Page,
  type PageRequest,
} from "./pagination/page-token.js";
export { type DataSource, type EntityManager } from "typeorm";
export {
  MUTABLE_DEFINITION_COLUMNS,
  type CatalogDefinitionRow,
  type CatalogKind,
  type CatalogVersionRow,
} from "./catalog/catalog-kind.js";
export { CatalogStore, CatalogTransaction } from "./catalog/catalog-store.js";
export {
  CatalogQueries,
  catalogConditions,
  type CatalogListFilter,
  type SqlCondition,
} from "./catalog/catalog-queries.js";
export { MCP_CATALOG, McpStore, McpTransaction } from "./repositories/mcp-store.js";
export { McpQueries, type McpStats } from "./repositories/mcp-queries.js";
export {
  FACET_VALUE_LIMIT,
  type FacetCount,
  type McpFacetCounts,
  type McpListFilter,
} from "./repositories/mcp-facets.js";
export { nextVersionNumber } from "./repositories/version-counter.js";
export { WORKFLOW_CATALOG, WorkflowStore } from "./repositories/workflow-store.js";
export {
  WorkflowQueries,
  type WorkflowListFilter,
  type WorkflowVersionUsingMcp,
} from "./repositories/workflow-queries.js";
export {
  RunStore,
  FenceLostError,
  type ClaimAtCreate,
  type NewRun,
  type LeaseState,
} from "./repositories/run-store.js";
export { GroupCommit, type CommitBatch, type GroupCommitOptions, type Outcome } from "./group-commit.js";
export {
  FencedWrites,
  type StepPatch,
  type RunPatch,
  type RunWithSteps,
  type RunWritten,
  type StepsOfEnd,
  type WrittenSteps,
} from "./repositories/fenced-writes.js";
export { ExecutorSessions, EXECUTOR_SESSION_LOCK } from "./repositories/executor-sessions.js";
export { ExecutorSession, type ExecutorSessionOptions } from "./repositories/executor-session.js";
export {
  RunQueries,
  ANY_WORKSPACE,
  type ListedRun,
  type PagedRun,
  type RunListColumns,
  type RunListFilter,
  type RunScope,
} from "./repositories/run-queries.js";
export {
  RunStats,
  MAX_WORKFLOW_STATS,
  type FailureRow,
  type HourlyCounts,
  type RunStatsRows,
  type WorkflowStatsRow,
} from "./repositories/run-stats.js";
export { HOURLY_STATS_SQL, WORKFLOW_STATS_SQL } from "./repositories/run-stats-sql.js";
export {
  PERCENTILE_ABSOLUTE_ERROR_MS,
  PERCENTILE_RELATIVE_ERROR,
  bucketMidpointMs,
  mergeHistograms,
  percentileOf,
} from "./repositories/duration-histogram.js";
export { ROLLUP_OF_RUNS_SQL, RUN_STATS_BACKFILL_SQL } from "./migrations/1768800000000-run-stats-rollup.js";
export {
  RunWaits,
  decisionOf,
  type DecideResult,
  type SentSignal,
  type StoredDecision,
} from "./repositories/run-waits.js";
export {
  RunPermits,
  type LimitedMcp,
  type PermitAnswer,
  type PermitWait,
} from "./repositories/run-permits.js";
export { stepRow, type StepRowInit } from "./repositories/step-row.js";
export { ApiKeyStore, type NewApiKey } from "./repositories/api-key-store.js";
export { UserStore, type SeenUser } from "./repositories/user-store.js";
export { MemberStore, type MemberChange } from "./repositories/member-store.js";
export { AuditStore, type AuditFilter, type NewAuditEvent } from "./repositories/audit-store.js";
export { WorkspaceStore, type WorkspaceContents } from "./repositories/workspace-store.js";
export { asInsert, asUpdate } from "./repositories/insert.js";
export {
  SecretStore,
  type NewSecret,
  type SecretChange,
  type SealedColumns,
} from "./repositories/secret-store.js";
export { TriggerStore, type NewTrigger } from "./repositories/trigger-store.js";
export {
  TableStatistics,
  RUN_PATH_TABLES,
  type StaleTable,
  type StatisticsRefresh,
} from "./repositories/table-statistics.js";
export { RunRetention, PRUNE_LOCK_KEY, PRUNE_BATCH_SQL, type Pruned } from "./repositories/run-retention.js";
export { ScheduleStore, type NewSchedule, type ScheduleChange } from "./repositories/schedule-store.js";
export {
  ScheduleTicks,
  type DueTicks,
  type HeldTick,
  type TickPlanner,
  type TickWithRun,
} from "./repositories/schedule-ticks.js";
