import { CATALOG_GENERATION_KEY, type Cache } from "@mcp/coordination";
import type { McpDefinitionEntity, McpLabelMoveEntity, McpStore, McpVersionEntity } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import { cacheKeys } from "./cache-keys.js";
import { lockLive } from "./mcp-writer.js";
import type { McpKey } from "./mcp-reader.js";

/** A label write's outcome: the definition after it and the recorded move (none when nothing moved). */
export interface LabelWritten {
  readonly def: McpDefinitionEntity;
  readonly move: Omit<McpLabelMoveEntity, "mcp">;
}

/** Who asked and why, recorded with every move. */
export interface MoveNote {
  readonly by: string;
  readonly reason: string;
}

/**
 * Labels other than `latest` move only when asked, and every move is recorded (label, from, to,
 * when, who, why): rollback is moving a label back. Deprecation flags a version without changing it.
 */
export class LabelWriter {
  constructor(
    private readonly store: McpStore,
    private readonly cache: Cache,
  ) {}

  /** Points `label` at `version` (which must exist). Setting it where it already points records nothing. */
  async set(key: McpKey, label: string, version: number, note: MoveNote): Promise<LabelWritten> {
    const result = await this.store.transaction(async (tx) => {
      const def = await lockLive(tx, key);
      if (!(await tx.findVersion(def.id, version))) {
        throw new NotFoundError(
          "mcp version",
          `${def.name}@${version}`,
          `versions run from 1 to ${def.latestVersion}`,
        );
      }
      const from = def.labels[label] ?? null;
      const move = {
        id: "",
        mcpId: def.id,
        label,
        fromVersion: from,
        toVersion: version,
        movedBy: note.by,
        reason: note.reason,
        movedAt: new Date(),
      };
      if (from === version) return { def, move, moved: false };
      def.labels = { ...def.labels, [label]: version };
      def.updatedAt = move.movedAt;
      await tx.saveDefinition(def);
      const { id: _none, ...fields } = move;
      return { def, move: await tx.insertLabelMove(fields), moved: true };
    });
    if (result.moved) await this.invalidate(result.def);
    return result;
  }

  /** Removes `label` (NOT_FOUND if it is not set); the removal is recorded. */
  async remove(key: McpKey, label: string, note: MoveNote): Promise<LabelWritten> {
    const result = await this.store.transaction(async (tx) => {
      const def = await lockLive(tx, key);
      const from = def.labels[label];
      if (from === undefined) throw new NotFoundError("mcp label", `${def.name}@${label}`);
      const labels = { ...def.labels };
      delete labels[label];
      def.labels = labels;
      const move = {
        mcpId: def.id,
        label,
        fromVersion: from,
        toVersion: null,
        movedBy: note.by,
        reason: note.reason,
        movedAt: new Date(),
      };
      def.updatedAt = move.movedAt;
      await tx.saveDefinition(def);
      return { def, move: await tx.insertLabelMove(move) };
    });
    await this.invalidate(result.def);
    return result;
  }

  /** Sets or clears a version's deprecation; the version stays readable and runnable. */
  async deprecate(
    key: McpKey,
    version: number,
    message: string | undefined,
  ): Promise<{ def: McpDefinitionEntity; version: McpVersionEntity }> {
    const result = await this.store.transaction(async (tx) => {
      const def = await lockLive(tx, key);
      const row = await tx.findVersion(def.id, version);
      if (!row)
        throw new NotFoundError(
          "mcp version",
          `${def.name}@${version}`,
          `versions run from 1 to ${def.latestVersion}`,
        );
      row.deprecated = message !== undefined;
      row.deprecationMessage = message ?? "";
      row.deprecatedAt = message !== undefined ? new Date() : null;
      await tx.saveVersionDeprecation(row);
      return { def, version: row };
    });
    await this.invalidate(result.def, version);
    return result;
  }

  private async invalidate(def: McpDefinitionEntity, ...versions: number[]): Promise<void> {
    await this.cache.delete(
      cacheKeys.byId(def.id),
      cacheKeys.byName(def.nameKey),
      ...versions.map((v) => cacheKeys.version(def.id, v)),
      CATALOG_GENERATION_KEY, // executors' resolutions of names and labels (CatalogMemo)
    );
  }
}
