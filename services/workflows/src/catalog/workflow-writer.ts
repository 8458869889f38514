import type { CatalogKey, CatalogWriter, ContentDraft, Written } from "@mcp/catalog";
import type { WorkflowDefinitionEntity, WorkflowVersionEntity } from "@mcp/db";
import { FailedPreconditionError, InvalidArgumentError } from "@mcp/errors";
import type { WorkflowSpec } from "@mcp/proto/workflows";
import { hashSpec, mcpRefsOf, specToJson } from "./content.js";
import { withDefaults, type SpecChecker } from "./spec-checker.js";

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

export type WorkflowWritten = Written<WorkflowDefinitionEntity, WorkflowVersionEntity>;

/**
 * The workflows' content rules on top of the catalogue kernel (names, numbering, etags, soft deletes,
 * cache: @mcp/catalog): a version's content is its spec (with defaults), checked fully (rules, registry
 * references) before anything is written; `current_version` follows the latest version unless a
 * rollback pinned it.
 */
export class WorkflowWriter {
  constructor(
    private readonly writer: CatalogWriter<WorkflowDefinitionEntity, WorkflowVersionEntity>,
    private readonly checker: SpecChecker,
  ) {}

  async create(workspace: string, input: NewWorkflow): Promise<WorkflowWritten> {
    const spec = withDefaults(input.spec);
    await this.ensureValid(workspace, spec, input.name);
    return this.writer.create(workspace, input, (base, number, now) => ({
      def: { ...base, currentVersion: number, currentVersionPinned: false },
      version: newVersion(base.id, spec, input.changeNote)(number, now),
    }));
  }

  async update(
    workspace: string,
    key: CatalogKey,
    etag: string,
    change: WorkflowChange,
    currentName: string,
  ): Promise<WorkflowWritten> {
    const spec = change.spec ? withDefaults(change.spec) : undefined;
    if (spec) await this.ensureValid(workspace, spec, currentName);
    return this.writer.update(workspace, key, etag, {
      description: change.description,
      tags: change.tags,
      content: spec && ((_latest, def) => specDraft(def.id, spec, change.changeNote)),
    });
  }

  delete(workspace: string, key: CatalogKey, etag: string): Promise<WorkflowDefinitionEntity> {
    return this.writer.delete(workspace, key, etag);
  }

  /** Makes `version` current (rollback) and pins it; 0 = follow the latest version again. */
  setCurrent(
    workspace: string,
    key: CatalogKey,
    etag: string,
    version: number,
  ): Promise<WorkflowDefinitionEntity> {
    return this.writer.edit(workspace, key, etag, async (row, tx) => {
      if (version === 0) {
        row.currentVersion = row.latestVersion;
        row.currentVersionPinned = false;
      } else {
        await this.writer.requireVersion(tx, row, version);
        row.currentVersion = version;
        row.currentVersionPinned = version !== row.latestVersion;
      }
      row.updatedAt = new Date();
    });
  }

  /** INVALID_ARGUMENT for broken rules, FAILED_PRECONDITION for references that do not resolve. */
  private async ensureValid(workspace: string, spec: WorkflowSpec, name: string): Promise<void> {
    const report = await this.checker.check(workspace, spec, name);
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
}

/** The version a spec becomes: hashed over its stored JSON. */
function specDraft(
  workflowId: string,
  spec: WorkflowSpec,
  changeNote: string,
): ContentDraft<WorkflowVersionEntity> {
  return { contentHash: hashSpec(specToJson(spec)), version: newVersion(workflowId, spec, changeNote) };
}

function newVersion(workflowId: string, spec: WorkflowSpec, changeNote: string) {
  return (number: number, now: Date): WorkflowVersionEntity => {
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
  };
}
