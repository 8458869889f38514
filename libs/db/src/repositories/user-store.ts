import type { DataSource, Repository } from "typeorm";
import { UserEntity } from "../entities/user.entity.js";
import { dbCall } from "../errors.js";

/** What a verified token says about its user. */
export interface SeenUser {
  readonly issuer: string;
  readonly subject: string;
  readonly email: string | null;
  readonly name: string | null;
}

/** The `users` table: people who signed in with OpenID Connect. */
export class UserStore {
  private readonly repo: Repository<UserEntity>;

  constructor(dataSource: DataSource) {
    this.repo = dataSource.getRepository(UserEntity);
  }

  /**
   * Records a sighting in one statement: inserts the user on first sight, otherwise refreshes
   * `last_seen`, email and name. Returns the row's id.
   */
  async seen(user: SeenUser): Promise<string> {
    const rows = await dbCall(() =>
      this.repo.query<{ id: string }[]>(
        `INSERT INTO users (issuer, subject, email, name, first_seen, last_seen)
           VALUES ($1, $2, $3, $4, now(), now())
           ON CONFLICT (issuer, subject)
           DO UPDATE SET last_seen = now(), email = EXCLUDED.email, name = EXCLUDED.name
           RETURNING id`,
        [user.issuer, user.subject, user.email, user.name],
      ),
    );
    const id = rows[0]?.id;
    if (id === undefined) throw new Error("users upsert returned no row");
    return id;
  }

  /** The user with this (issuer, subject), or undefined. */
  async find(issuer: string, subject: string): Promise<UserEntity | undefined> {
    return (await dbCall(() => this.repo.findOneBy({ issuer, subject }))) ?? undefined;
  }
}
