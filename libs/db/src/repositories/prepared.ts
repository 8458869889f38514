import { createHash } from "node:crypto";
import type { Pool, QueryResultRow } from "pg";
import type { DataSource } from "typeorm";
import { dbCall } from "../errors.js";

/**
 * The run path's statements as named (prepared) statements on the data source's own pg pool: each
 * connection parses and plans a statement once, then only binds and executes it, and the query goes
 * around TypeORM's query runner. The name is derived from the text, so every distinct text (the few
 * column sets a step write uses) is its own statement.
 */
export class PreparedStatements {
  private readonly pool: Pool;
  private readonly names = new Map<string, string>();

  constructor(dataSource: DataSource) {
    this.pool = (dataSource.driver as unknown as { master: Pool }).master;
  }

  /** The rows of `text` run with `values` (UNAVAILABLE when PostgreSQL cannot be reached). */
  async rows<T extends QueryResultRow>(text: string, values: unknown[]): Promise<T[]> {
    const name = this.nameOf(text);
    return dbCall(async () => (await this.pool.query<T>({ name, text, values })).rows);
  }

  private nameOf(text: string): string {
    let name = this.names.get(text);
    if (!name) {
      name = `mcp_${createHash("sha256").update(text).digest("hex").slice(0, 24)}`;
      if (this.names.size < 1_000) this.names.set(text, name);
    }
    return name;
  }
}
