import { keysetPage, type Page, type WorkspaceEntity, type WorkspaceStore } from "@mcp/db";
import { AlreadyExistsError, FailedPreconditionError, NotFoundError } from "@mcp/errors";
import { DEFAULT_WORKSPACE } from "@mcp/runtime";

/**
 * The workspaces themselves (docs/adr/021): create, read, list, and delete only an empty one. The
 * `default` workspace always exists and cannot be deleted.
 */
export class Workspaces {
  constructor(private readonly store: WorkspaceStore) {}

  async create(name: string, createdBy: string | undefined): Promise<WorkspaceEntity> {
    const row = await this.store.create(name, createdBy ?? null);
    if (!row) throw new AlreadyExistsError("workspace", name);
    return row;
  }

  async get(name: string): Promise<WorkspaceEntity> {
    const row = await this.store.find(name);
    if (!row) throw new NotFoundError("workspace", name);
    return row;
  }

  list<T>(size: number, token: string, map: (row: WorkspaceEntity) => T): Promise<Page<T>> {
    return keysetPage(
      { size, token, scope: { list: "workspaces" } },
      (after, limit) => this.store.list(after ? String(after[0]) : undefined, limit),
      (last) => [last.name],
      map,
    );
  }

  /** Deletes an empty workspace; FAILED_PRECONDITION saying what it still holds otherwise. */
  async delete(name: string): Promise<WorkspaceEntity> {
    if (name === DEFAULT_WORKSPACE) {
      throw new FailedPreconditionError(
        `workspace "${DEFAULT_WORKSPACE}" cannot be deleted: calls without the x-mcp-workspace header act in it`,
        "DEFAULT_WORKSPACE",
        { workspace: name },
      );
    }
    const row = await this.get(name);
    const { deleted, contents } = await this.store.deleteIfEmpty(name);
    if (deleted) return row;
    if (Object.keys(contents).length === 0) throw new NotFoundError("workspace", name);
    const held = Object.entries(contents)
      .map(([what, n]) => `${n} ${what}`)
      .join(", ");
    throw new FailedPreconditionError(
      `workspace "${name}" is not empty: it holds ${held}; delete them first`,
      "WORKSPACE_NOT_EMPTY",
      { workspace: name, ...Object.fromEntries(Object.entries(contents).map(([k, n]) => [k, String(n)])) },
    );
  }
}
