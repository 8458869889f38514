import type { MemberStore, Page, WorkspaceMemberEntity } from "@mcp/db";
import { AlreadyExistsError, NotFoundError } from "@mcp/errors";
import type { Role } from "@mcp/runtime";

/** Who changes a membership and where: the call's workspace and caller's name. */
export interface MemberActor {
  readonly workspace: string;
  readonly by: string;
}

/**
 * A workspace's members (docs/adr/022): add, change, remove, list. Emails are compared lower-cased.
 * A membership change reaches every service within their cache period (AUTH_CACHE_MS).
 */
export class Members {
  constructor(private readonly store: MemberStore) {}

  /** Adds `email` with `role`; ALREADY_EXISTS when they already are a member. */
  async add(actor: MemberActor, email: string, role: Role): Promise<WorkspaceMemberEntity> {
    const added = await this.store.add({ workspace: actor.workspace, email, role, addedBy: actor.by });
    if (!added) {
      throw new AlreadyExistsError(
        "member",
        email.toLowerCase(),
        `in workspace "${actor.workspace}"; change the role with UpdateMember (\`mcp members update\`)`,
      );
    }
    return added;
  }

  /** Changes the role of member `email`; NOT_FOUND when they are not a member. */
  async update(actor: MemberActor, email: string, role: Role): Promise<WorkspaceMemberEntity> {
    const updated = await this.store.update({ workspace: actor.workspace, email, role, addedBy: actor.by });
    if (!updated) throw notMember(actor.workspace, email);
    return updated;
  }

  /** Removes member `email`; NOT_FOUND when they are not a member. */
  async remove(actor: MemberActor, email: string): Promise<void> {
    if (!(await this.store.remove(actor.workspace, email))) throw notMember(actor.workspace, email);
  }

  /** One page of the workspace's members by email. */
  list(workspace: string, pageToken: string, pageSize: number): Promise<Page<WorkspaceMemberEntity>> {
    return this.store.listPage(workspace, pageToken, pageSize);
  }
}

const notMember = (workspace: string, email: string) =>
  new NotFoundError("member", email.toLowerCase(), `no such member in workspace "${workspace}"`);
