import type { EntityManager } from "typeorm";

/**
 * Increments and returns the per-workspace, per-name version counter in `table` (a kind's counter table, e.g.
 * `mcp_name_versions`). The row lock it takes serialises concurrent writers of one name.
 */
export async function nextVersionNumber(
  manager: EntityManager,
  table: string,
  workspace: string,
  nameKey: string,
): Promise<number> {
  const rows = await manager.query<{ last_version: number }[]>(
    `INSERT INTO "${table}" (workspace, name_key, last_version) VALUES ($1, $2, 1)
     ON CONFLICT (workspace, name_key) DO UPDATE SET last_version = "${table}".last_version + 1
     RETURNING last_version`,
    [workspace, nameKey],
  );
  const row = rows[0];
  if (!row) throw new Error(`version counter for "${nameKey}" returned no row`);
  return row.last_version;
}
