/**
 * Each suite's database, copied from one migrated template (`CREATE DATABASE ... TEMPLATE`): the
 * migrations run once per Jest run (globalSetup, {@link createSuiteTemplate}) instead of once per
 * suite, when the first service starts. The services still check the schema at start. Without a
 * template (a globalSetup that did not make one) the database is empty and the services migrate it,
 * as before. Suites about migrating an empty database use `createTestDatabase` itself.
 */
import { createMigratedTemplate, createTestDatabase, type TestDatabase } from "@mcp/db/testing";

/** Names the template database for the suites (set by globalSetup, inherited by Jest's workers). */
const TEMPLATE_VARIABLE = "MCP_TEST_TEMPLATE_DATABASE";

/** A fresh database with every migration applied (a copy of the run's template), with a random name. */
export async function createMigratedTestDatabase(prefix?: string): Promise<TestDatabase> {
  const template = process.env[TEMPLATE_VARIABLE];
  return createTestDatabase(prefix, template ? { template } : {});
}

/** Makes the run's template (globalSetup); returns it so globalTeardown can drop it. */
export async function createSuiteTemplate(): Promise<TestDatabase> {
  const template = await createMigratedTemplate();
  process.env[TEMPLATE_VARIABLE] = template.name;
  return template;
}
