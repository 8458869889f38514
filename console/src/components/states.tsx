import type { ReactNode } from "react";

/** Shown while data loads. */
export function Loading({ what = "" }: { what?: string }) {
  return (
    <p role="status" className="loading">
      Loading{what ? ` ${what}` : ""}…
    </p>
  );
}

/** Shown when a list or a value has nothing in it. */
export function Empty({ children }: { children: ReactNode }) {
  return <p className="empty">{children}</p>;
}
