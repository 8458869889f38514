import { Column, Entity, Index, PrimaryGeneratedColumn } from "typeorm";

/**
 * A person who signed in with OpenID Connect, stored on first sight of a valid token. The pair
 * (issuer, subject) is the identity the provider vouches for; email and name are refreshed from the
 * token's claims whenever `last_seen` is.
 */
@Entity({ name: "users" })
@Index("users_issuer_subject", ["issuer", "subject"], { unique: true })
export class UserEntity {
  @PrimaryGeneratedColumn("uuid")
  id!: string;

  /** The token's `iss`. */
  @Column({ type: "text" })
  issuer!: string;

  /** The token's `sub`: stable per user at that issuer. */
  @Column({ type: "text" })
  subject!: string;

  /** The `email` claim, when the token carries one. */
  @Column({ type: "text", nullable: true })
  email!: string | null;

  /** The `name` claim, when the token carries one. */
  @Column({ type: "text", nullable: true })
  name!: string | null;

  @Column({ type: "timestamptz", name: "first_seen" })
  firstSeen!: Date;

  /** Refreshed at most once per `OIDC_LAST_SEEN_MINUTES` per service process. */
  @Column({ type: "timestamptz", name: "last_seen" })
  lastSeen!: Date;
}
