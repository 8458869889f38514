import { InitialSchema1732470000000 } from "./1732470000000-initial-schema.js";
import { ApiKeys1765000000000 } from "./1765000000000-api-keys.js";
import { Secrets1766000000000 } from "./1766000000000-secrets.js";
import { RunRecoveries1767000000000 } from "./1767000000000-run-recoveries.js";
import { WaitingSteps1767200000000 } from "./1767200000000-waiting-steps.js";
import { ForEachItems1767300000000 } from "./1767300000000-for-each-items.js";
import { SubWorkflows1767400000000 } from "./1767400000000-sub-workflows.js";
import { Schedules1767500000000 } from "./1767500000000-schedules.js";
import { WebhookTriggers1767600000000 } from "./1767600000000-webhook-triggers.js";
import { ConcurrencyLimits1767800000000 } from "./1767800000000-concurrency-limits.js";
import { RunRetention1767900000000 } from "./1767900000000-run-retention.js";
import { RunStatsIndex1768000000000 } from "./1768000000000-run-stats-index.js";
import { Workspaces1768200000000 } from "./1768200000000-workspaces.js";
import { Users1768400000000 } from "./1768400000000-users.js";
import { ExecutorSessions1768500000000 } from "./1768500000000-executor-sessions.js";
import { RolesAndAudit1768300000000 } from "./1768300000000-roles-and-audit.js";
import { McpFacets1768600000000 } from "./1768600000000-mcp-facets.js";
import { RunTrace1768700000000 } from "./1768700000000-run-trace.js";
import { RunStatsRollup1768800000000 } from "./1768800000000-run-stats-rollup.js";
import { RunRowsRoom1768900000000 } from "./1768900000000-run-rows-room.js";

/** Every migration, oldest first. Append new ones; never edit one that has shipped. */
export const MIGRATIONS = [
  InitialSchema1732470000000,
  ApiKeys1765000000000,
  Secrets1766000000000,
  RunRecoveries1767000000000,
  WaitingSteps1767200000000,
  ForEachItems1767300000000,
  SubWorkflows1767400000000,
  Schedules1767500000000,
  WebhookTriggers1767600000000,
  ConcurrencyLimits1767800000000,
  RunRetention1767900000000,
  RunStatsIndex1768000000000,
  Workspaces1768200000000,
  RolesAndAudit1768300000000,
  Users1768400000000,
  ExecutorSessions1768500000000,
  McpFacets1768600000000,
  RunTrace1768700000000,
  RunStatsRollup1768800000000,
  RunRowsRoom1768900000000,
] as const;
