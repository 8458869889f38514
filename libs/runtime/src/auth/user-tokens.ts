import type { Caller } from "./identity.js";
import type { UserTokenVerifier } from "./interceptor.js";
import type { OidcVerifier } from "./oidc-verifier.js";
import type { UserSightings } from "./user-sightings.js";

/**
 * Who a sign-in token (a JWT from the OpenID Connect issuer, docs/adr/023) belongs to: verified by
 * {@link OidcVerifier} (UNAUTHENTICATED with a TOKEN_* reason when it is not acceptable), the user
 * recorded in the `users` table ({@link UserSightings}). The caller is named by their verified email
 * (the subject when there is none); what they may do is the role policy's (their membership).
 */
export class SignedInUsers implements UserTokenVerifier {
  constructor(
    private readonly verifier: OidcVerifier,
    private readonly sightings: UserSightings,
  ) {}

  async verify(token: string): Promise<Caller> {
    const user = await this.verifier.verify(token);
    const id = await this.sightings.idOf(user);
    return { kind: "user", id, name: user.email ?? user.subject };
  }
}
