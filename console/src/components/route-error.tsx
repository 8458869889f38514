import { Link, useRouteError } from "react-router";
import { ErrorView } from "./error-view";

/** What a page that crashed while rendering shows instead of a blank screen. */
export function RouteError() {
  const error = useRouteError();
  return (
    <main className="page">
      <h1>Something went wrong</h1>
      <ErrorView error={error} title="This page failed to render" />
      <p>
        <Link to="/mcps">Back to MCPs</Link>
      </p>
    </main>
  );
}
