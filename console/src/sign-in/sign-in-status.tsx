import { useState } from "react";
import { useLocation } from "react-router";
import { useApi, useSession } from "../api/context";
import type { SignInConfig } from "../config/load-config";

/** The header's end when sign-in is configured: who is signed in and Sign out, or Sign in. */
export function SignInStatus({ settings }: { settings: SignInConfig }) {
  const { sessions } = useApi();
  const session = useSession();
  const location = useLocation();
  const [problem, setProblem] = useState<string | undefined>();

  const signIn = async () => {
    setProblem(undefined);
    try {
      const { startSignIn } = await import("./oidc-flow");
      await startSignIn(settings, `${location.pathname}${location.search}`);
    } catch (err) {
      setProblem(`Could not reach the sign-in provider ${settings.issuer}: ${(err as Error).message}`);
    }
  };
  const signOut = async () => {
    sessions.set(undefined);
    if (session) await (await import("./oidc-flow")).revokeSession(settings, session);
  };

  return (
    <>
      {session ? (
        <>
          <span className="hint">
            Signed in as <strong>{session.user}</strong>
          </span>
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </>
      ) : (
        <>
          <span className="hint">not signed in</span>
          <button type="button" onClick={() => void signIn()}>
            Sign in
          </button>
        </>
      )}
      {problem && (
        <span role="alert" className="hint">
          {problem}
        </span>
      )}
    </>
  );
}
