import { randomUUID } from "node:crypto";
import { CATALOG_GENERATION_KEY, type Cache } from "@mcp/coordination";
import {
  uniqueViolation,
  type WorkflowDefinitionEntity,
  type WorkflowStore,
  type WorkflowTransaction,
  type WorkflowVersionEntity,
} from "@mcp/db";
import {
  AlreadyExistsError,
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
} from "@mcp/errors";
import type { WorkflowSpec } from "@mcp/proto/workflows";
import { checkEtag } from "@mcp/versioning";
import { cacheKeys } from "./cache-keys.js";
import { hashSpec, mcpRefsOf, specToJson } from "./content.js";
import { withDefaults, type SpecChecker } from "./spec-checker.js";
import type { WorkflowKey } from "./workflow-reader.js";

/** What CreateWorkflow writes (metadata already validated by the request validator). */
export interface NewWorkflow {
  readonly name: string;
  readonly description: string;
  readonly tags: readonly string[];
  readonly spec: WorkflowSpec;
  readonly changeNote: string;
}

/** What UpdateWorkflow changes; unset fields stay. */
export interface WorkflowChange {
  readonly description?: string;
  readonly tags?: readonly string[];
  readonly spec?: WorkflowSpec;
  readonly changeNote: string;
}

export interface Written {
  readonly def: WorkflowDefinitionEntity;
  readonly version: WorkflowVersionEntity;
  readonly versionCreated: boolean;
}

/**
 * The write rules of workflows: a spec is checked fully (rules, registry references) before anything is
 * written; versions are immutable with never-reused numbers; `current_version` follows the latest
 * version unless a rollback pinned it; etags; soft deletes.
 */
export class WorkflowWriter {
  constructor(
    private readonly store: WorkflowStore,
    private readonly checker: SpecChecker,
    private readonly cache: Cache,
  ) {}

  async create(input: NewWorkflow): Promise<Written> {
    const spec = withDefaults(input.spec);
    await this.ensureValid(spec, input.name);
    const nameKey = input.name.toLowerCase();
    const now = new Date();
    try {
      const written = await this.store.transaction(async (tx) => {
        if (await tx.lockLiveByName(nameKey))
          throw new AlreadyExistsError("workflow", input.name, "names are unique, ignoring case");
        const number = await tx.nextVersion(nameKey);
        const def: WorkflowDefinitionEntity = {
          id: randomUUID(),
          name: input.name,
          nameKey,
          description: input.description,
          tags: [...input.tags],
          latestVersion: number,
          currentVersion: number,
          currentVersionPinned: false,
          rowVersion: 1,
          createdAt: now,
          updatedAt: now,
          deletedAt: null,
        };
        await tx.insertDefinition(def);
        const version = newVersion(def.id, number, spec, input.changeNote, now);
        await tx.insertVersion(version);
        return { def, version, versionCreated: true };
      });
      await this.invalidate(written.def);
      return written;
    } catch (err) {
      if (uniqueViolation(err) === "workflow_definitions_live_name_key") {
        throw new AlreadyExistsError("workflow", input.name, "names are unique, ignoring case");
      }
      throw err;
    }
  }

  async update(
    key: WorkflowKey,
    etag: string,
    change: WorkflowChange,
    currentName: string,
  ): Promise<Written> {
    const spec = change.spec ? withDefaults(change.spec) : undefined;
    if (spec) await this.ensureValid(spec, currentName);
    const written = await this.store.transaction(async (tx) => {
      const def = await lockLive(tx, key);
      checkEtag("workflow", def.name, etag, def.rowVersion);
      const now = new Date();
      const latest = await tx.findVersion(def.id, def.latestVersion);
      if (!latest)
        throw new Error(`workflow ${def.id} has no row for its latest version ${def.latestVersion}`);
      let version = latest;
      let versionCreated = false;
      if (spec && hashSpec(specToJson(spec)) !== latest.contentHash) {
        const number = await tx.nextVersion(def.nameKey);
        version = newVersion(def.id, number, spec, change.changeNote, now);
        await tx.insertVersion(version);
        def.latestVersion = number;
        if (!def.currentVersionPinned) def.currentVersion = number;
        versionCreated = true;
      }
      if (change.description !== undefined) def.description = change.description;
      if (change.tags !== undefined) def.tags = [...change.tags];
      def.updatedAt = now;
      await tx.saveDefinition(def);
      return { def, version, versionCreated };
    });
    await this.invalidate(written.def);
    return written;
  }

  async delete(key: WorkflowKey, etag: string): Promise<WorkflowDefinitionEntity> {
    const def = await this.store.transaction(async (tx) => {
      const row = await lockLive(tx, key);
      checkEtag("workflow", row.name, etag, row.rowVersion);
      row.deletedAt = new Date();
      row.updatedAt = row.deletedAt;
      return tx.saveDefinition(row);
    });
    await this.invalidate(def);
    return def;
  }

  /** Makes `version` current (rollback) and pins it; 0 = follow the latest version again. */
  async setCurrent(key: WorkflowKey, etag: string, version: number): Promise<WorkflowDefinitionEntity> {
    const def = await this.store.transaction(async (tx) => {
      const row = await lockLive(tx, key);
      checkEtag("workflow", row.name, etag, row.rowVersion);
      if (version === 0) {
        row.currentVersion = row.latestVersion;
        row.currentVersionPinned = false;
      } else {
        if (!(await tx.findVersion(row.id, version))) {
          throw new NotFoundError(
            "workflow version",
            `${row.name}@${version}`,
            `versions run from 1 to ${row.latestVersion}`,
          );
        }
        row.currentVersion = version;
        row.currentVersionPinned = version !== row.latestVersion;
      }
      row.updatedAt = new Date();
      return tx.saveDefinition(row);
    });
    await this.invalidate(def);
    return def;
  }

  /** INVALID_ARGUMENT for broken rules, FAILED_PRECONDITION for references that do not resolve. */
  private async ensureValid(spec: WorkflowSpec, name: string): Promise<void> {
    const report = await this.checker.check(spec, name);
    if (report.specViolations.length > 0) {
      throw new InvalidArgumentError(report.specViolations, {
        codes: [...new Set(report.specViolations.map((v) => v.code))].join(","),
      });
    }
    if (report.referenceViolations.length > 0) {
      throw new FailedPreconditionError(
        report.referenceViolations.map((v) => v.description).join("; "),
        "UNRESOLVED_REFERENCES",
        {
          fields: report.referenceViolations.map((v) => v.field).join(","),
          codes: [...new Set(report.referenceViolations.map((v) => v.code))].join(","),
        },
      );
    }
  }

  private async invalidate(def: WorkflowDefinitionEntity): Promise<void> {
    await this.cache.delete(
      cacheKeys.byId(def.id),
      cacheKeys.byName(def.nameKey),
      CATALOG_GENERATION_KEY, // executors' resolutions of names (CatalogMemo)
    );
  }
}

async function lockLive(tx: WorkflowTransaction, key: WorkflowKey): Promise<WorkflowDefinitionEntity> {
  if (key.case === undefined) throw InvalidArgumentError.field("workflow", "id or name is required");
  const def =
    key.case === "id" ? await tx.lockById(key.value) : await tx.lockLiveByName(key.value.toLowerCase());
  if (!def || def.deletedAt)
    throw new NotFoundError("workflow", key.value, def?.deletedAt ? "it was deleted" : undefined);
  return def;
}

function newVersion(
  workflowId: string,
  number: number,
  spec: WorkflowSpec,
  changeNote: string,
  now: Date,
): WorkflowVersionEntity {
  const json = specToJson(spec);
  return {
    workflowId,
    version: number,
    spec: json,
    mcpRefs: mcpRefsOf(spec),
    contentHash: hashSpec(json),
    changeNote,
    createdAt: now,
  };
}
