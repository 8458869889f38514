import { Link } from "react-router";

export function NotFoundPage() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        Nothing lives at this address. Go to the <Link to="/mcps">MCPs</Link>, the{" "}
        <Link to="/workflows">workflows</Link> or the <Link to="/runs">runs</Link>.
      </p>
    </>
  );
}
