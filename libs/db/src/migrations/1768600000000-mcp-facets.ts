import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The catalogue's facet indexes (ListMcps with `include_facets`): labels by name (`labels ?| …`, a GIN
 * index on the jsonb map; tags already have one) and the deprecated versions, so "only deprecated"
 * starts from the few deprecated rows instead of every version.
 */
export class McpFacets1768600000000 implements MigrationInterface {
  name = "McpFacets1768600000000";

  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE INDEX "mcp_definitions_labels" ON "mcp_definitions" USING GIN ("labels")');
    await runner.query(
      'CREATE INDEX "mcp_versions_deprecated" ON "mcp_versions" ("mcp_id", "version") WHERE deprecated',
    );
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP INDEX "mcp_versions_deprecated"');
    await runner.query('DROP INDEX "mcp_definitions_labels"');
  }
}
