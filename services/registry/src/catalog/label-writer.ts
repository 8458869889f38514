import type { CatalogKey } from "@mcp/catalog";
import type { McpDefinitionEntity, McpLabelMoveEntity, McpVersionEntity } from "@mcp/db";
import { NotFoundError } from "@mcp/errors";
import type { McpCatalogWriter } from "./mcp-catalog.js";

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
 * Writes go through the kernel's transactions, locks and cache invalidation (@mcp/catalog).
 */
export class LabelWriter {
  constructor(private readonly writer: McpCatalogWriter) {}

  /** Points `label` at `version` (which must exist). Setting it where it already points records nothing. */
  async set(
    workspace: string,
    key: CatalogKey,
    label: string,
    version: number,
    note: MoveNote,
  ): Promise<LabelWritten> {
    const result = await this.writer.transaction(async (tx) => {
      const def = await this.writer.lockLive(tx, workspace, key);
      await this.writer.requireVersion(tx, def, version);
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
    if (result.moved) await this.writer.invalidate(result.def);
    return result;
  }

  /** Removes `label` (NOT_FOUND if it is not set); the removal is recorded. */
  async remove(workspace: string, key: CatalogKey, label: string, note: MoveNote): Promise<LabelWritten> {
    const result = await this.writer.transaction(async (tx) => {
      const def = await this.writer.lockLive(tx, workspace, key);
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
    await this.writer.invalidate(result.def);
    return result;
  }

  /** Sets or clears a version's deprecation; the version stays readable and runnable. */
  async deprecate(
    workspace: string,
    key: CatalogKey,
    version: number,
    message: string | undefined,
  ): Promise<{ def: McpDefinitionEntity; version: McpVersionEntity }> {
    const result = await this.writer.transaction(async (tx) => {
      const def = await this.writer.lockLive(tx, workspace, key);
      const row = await this.writer.requireVersion(tx, def, version);
      row.deprecated = message !== undefined;
      row.deprecationMessage = message ?? "";
      row.deprecatedAt = message !== undefined ? new Date() : null;
      await tx.saveVersionDeprecation(row);
      return { def, version: row };
    });
    await this.writer.invalidate(result.def, version);
    return result;
  }
}
