import type { VerifiedToken } from "./oidc-verifier.js";

/** Where signed-in users are recorded (`@mcp/db` UserStore): returns the user's row id. */
export interface UserRecorder {
  seen(user: VerifiedToken): Promise<string>;
}

const MAX_REMEMBERED = 10_000;

/**
 * The users a process has recently recorded: a user's row is written (inserted on first sight,
 * `last_seen` refreshed otherwise) at most once per `refreshMs` per process, or sooner when their
 * email or name changed; between writes the row id comes from memory.
 */
export class UserSightings {
  private readonly recent = new Map<
    string,
    { id: string; at: number; email: string | null; name: string | null }
  >();

  constructor(
    private readonly users: UserRecorder,
    private readonly refreshMs: number,
  ) {}

  /** The user's row id, recording the sighting when due. */
  async idOf(user: VerifiedToken): Promise<string> {
    const key = `${user.issuer}\n${user.subject}`;
    const now = Date.now();
    const hit = this.recent.get(key);
    if (hit && now - hit.at < this.refreshMs && hit.email === user.email && hit.name === user.name)
      return hit.id;
    const id = await this.users.seen(user);
    if (this.recent.size >= MAX_REMEMBERED) this.recent.clear();
    this.recent.set(key, { id, at: now, email: user.email, name: user.name });
    return id;
  }
}
