import { useEffect, useRef, useState } from "react";
import { useNavigate } from "react-router";
import { useApi } from "../api/context";

/**
 * Where the provider sends the browser back (`/signin/callback?code=…&state=…`): exchanges the code
 * (with the PKCE verifier kept in this tab), stores the session and returns to the page sign-in
 * started from.
 */
export function SignInCallbackPage() {
  const { config, sessions } = useApi();
  const navigate = useNavigate();
  const [failure, setProblem] = useState<string | undefined>();
  const problem = config.signIn ? failure : "Sign-in is not configured for this console.";
  const started = useRef(false);

  useEffect(() => {
    if (started.current) return; // once, even under StrictMode's double effects: a code is single-use
    started.current = true;
    const settings = config.signIn;
    if (!settings) return;
    void (async () => {
      try {
        const { finishSignIn } = await import("./oidc-flow");
        const { session, returnTo } = await finishSignIn(settings, new URL(window.location.href));
        sessions.set(session);
        void navigate(returnTo.startsWith("/") && !returnTo.startsWith("/signin") ? returnTo : "/", {
          replace: true,
        });
      } catch (err) {
        setProblem((err as Error).message);
      }
    })();
  }, [config.signIn, sessions, navigate]);

  return (
    <section>
      <h1>Signing in</h1>
      {problem ? <p role="alert">Sign-in failed: {problem}</p> : <p role="status">Completing sign-in…</p>}
    </section>
  );
}
